/**
 * Witnessing among the five parties of the regional example, each node its own `parley serve` process: after
 * traffic every party's latest checkpoint is cosigned by all four others, each exported log passes `parley verify`,
 * and a party that shows a witness a second root for a size it already had cosigned is caught with evidence.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ADD_CHECKPOINT_PATH } from '../../src/federation/paths.js';
import { signCheckpoint } from '../../src/protocol/checkpoint.js';
import { formatAddCheckpointRequest } from '../../src/protocol/witness.js';
import { waitFor } from '../../src/demo/wait.js';
import { tempDir } from '../support/temp.js';
import { exportAndVerify } from './support/audit.js';
import { federationAs } from './support/federation-as.js';
import { notification, peersOf, type Sent } from './support/drafts.js';
import { ProcessNetwork, type NetworkParty } from './support/process-network.js';

const root = tempDir('parley-int-witness-');
let net: ProcessNetwork;

before(async () => { net = await ProcessNetwork.start(root, 5); });
after(async () => { await net?.close(); });

const others = (p: NetworkParty): string[] => net.parties.map((x) => x.party).filter((x) => x !== p.party).sort();

async function logSize(p: NetworkParty): Promise<number> {
  return ((await (await fetch(`${p.process.apiUrl}/healthz`)).json()) as { logSize: number }).logSize;
}

/** Every peer mirrors p's whole log and holds a checkpoint of all of it, and p's latest checkpoint is cosigned by all. */
async function fullyWitnessed(p: NetworkParty): Promise<boolean> {
  const size = await logSize(p);
  const own = await peersOf(p.api);
  if (!own.every((x) => [...x.cosignedOwnCheckpointBy].sort().join() === others(p).join())) return false;
  for (const q of net.parties.filter((x) => x !== p)) {
    const view = (await peersOf(q.api)).find((x) => x.party === p.party)!;
    if (view.mirrorSize !== size || view.checkpointSize !== size || view.witnessedSize !== size) return false;
  }
  return true;
}

test('after traffic, each party\'s latest checkpoint is cosigned by every other party, and each log passes parley verify', () => net.explaining(async () => {
  for (const p of net.parties) {
    await p.api.post<Sent>('/api/v1/statements', notification(`${p.party}:witness-1`, others(p)));
  }
  for (const p of net.parties) await waitFor(`${p.party}'s log to be mirrored and cosigned by every peer`, 60_000, () => fullyWitnessed(p));
  for (const p of net.parties) {
    assert.ok((await logSize(p)) > 1, `${p.party} signed its notification and receipts`);
    assert.ok((await peersOf(p.api)).every((x) => x.verification === 'verified'));
    const { exported, verified } = await exportAndVerify(p.process.files.dir, p.party, root);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^OK /);
    const line = /latest checkpoint cosigned by: (.*)/.exec(verified.stdout)?.[1] ?? '';
    const cosigners = line.split(', ').map((c) => c.split(' at ')[0]).sort();
    assert.deepEqual(cosigners, others(p), `${p.party}'s exported latest checkpoint carries every other party's cosignature`);
  }
}));

test('avalon showing borduria a second root for a size borduria cosigned is kept as evidence and raises an alarm on avalon', () => net.explaining(async () => {
  const avalon = net.party('avalon');
  const borduria = net.party('borduria');
  const witnessed = (await peersOf(borduria.api)).find((x) => x.party === 'avalon')!;
  assert.equal(witnessed.verification, 'verified');
  assert.ok(witnessed.witnessedSize > 0);

  // A "bad avalon": avalon's real signing key and certificate, signing another history at the cosigned size.
  const files = avalon.process.files;
  const forged = signCheckpoint({ origin: files.keyName, size: witnessed.witnessedSize, root: randomBytes(32), extensions: [] }, files.signingKey, files.keyName);
  const asAvalon = federationAs(files, borduria.process.files);
  let status: number;
  try {
    const res = await asAvalon.request({ method: 'POST', path: ADD_CHECKPOINT_PATH, contentType: 'text/plain', body: formatAddCheckpointRequest({ oldSize: witnessed.witnessedSize, proof: [], note: forged }) });
    status = res.status;
  } finally {
    await asAvalon.close();
  }
  assert.equal(status, 409, 'borduria refuses to cosign it');

  const evidence = await borduria.api.get<Array<{ kind: string; party: string; reportedBy: string }>>('/api/v1/evidence');
  assert.ok(evidence.some((e) => e.kind === 'equivocation' && e.party === 'avalon' && e.reportedBy === 'avalon'), JSON.stringify(evidence));
  const after = (await peersOf(borduria.api)).find((x) => x.party === 'avalon')!;
  assert.equal(after.verification, 'alarm');
  assert.ok(after.alarms.length > 0);
  const untouched = (await peersOf(borduria.api)).filter((x) => x.party !== 'avalon');
  assert.ok(untouched.every((x) => x.verification === 'verified'), 'only avalon is accused');
}));
