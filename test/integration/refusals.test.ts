/**
 * What a party's node refuses from the network, each node its own `parley serve` process: a client whose
 * certificate the agreement does not pin gets no answer at all, and a statement that avalon's certificate carries
 * but avalon's key did not sign is refused with the rule, kept as evidence, and never mirrored.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CHECKPOINTS_PATH, pushPath } from '../../src/federation/paths.js';
import { PeerClient, PeerUnreachableError } from '../../src/node/peer-client.js';
import { createTlsIdentity } from '../../src/node/tls-identity.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { signStatement, STATEMENT_VERSION } from '../../src/protocol/statement.js';
import { waitFor } from '../../src/demo/wait.js';
import { tempDir } from '../support/temp.js';
import { federationAs, readLogAs } from './support/federation-as.js';
import { notification, peersOf, statementAt, type Sent } from './support/drafts.js';
import { ProcessNetwork } from './support/process-network.js';

const root = tempDir('parley-int-refusal-');
let net: ProcessNetwork;

before(async () => { net = await ProcessNetwork.start(root, 2); });
after(async () => { await net?.close(); });

test('a client with a certificate the agreement does not pin is cut off without an answer, and borduria logs it', () => net.explaining(async () => {
  const borduria = net.party('borduria').process;
  const stranger = await createTlsIdentity();
  const asStranger = new PeerClient({ party: 'borduria', baseUrl: borduria.files.config.federation.url, fingerprint: borduria.files.fingerprint, tls: stranger });
  try {
    await assert.rejects(asStranger.request({ method: 'GET', path: CHECKPOINTS_PATH }), PeerUnreachableError);
  } finally {
    await asStranger.close();
  }
  // The same request with avalon's pinned certificate is answered: it was the certificate that was refused.
  const asAvalon = federationAs(net.party('avalon').process.files, borduria.files);
  try {
    assert.equal((await asAvalon.request({ method: 'GET', path: CHECKPOINTS_PATH })).status, 200);
  } finally {
    await asAvalon.close();
  }
  await waitFor('borduria to log the refused connection', 10_000, async () => borduria.output().includes(stranger.fingerprint));
  assert.match(borduria.output(), /refused a connection whose client certificate is not pinned by the agreement/);
}));

test('a statement pushed with avalon\'s certificate but signed by another key is refused 422, kept as evidence, not mirrored', () => net.explaining(async () => {
  const avalon = net.party('avalon');
  const borduria = net.party('borduria');
  const sent = await avalon.api.post<Sent>('/api/v1/statements', notification('avalon:real-1', ['borduria']));
  await waitFor('borduria to mirror avalon\'s statement', 30_000, async () => (await statementAt(borduria.api, 'avalon', sent.index)) !== undefined);
  await waitFor('avalon to have nothing pending', 30_000, async () => (await peersOf(avalon.api))[0]!.pendingDeliveries === 0);
  const mirrorBefore = await readLogAs(avalon.process.files, borduria.process.files, 'avalon');
  const ownBefore = await readLogAs(avalon.process.files, borduria.process.files, 'borduria');

  const impostor = signingKeyFromSeed(randomBytes(32));
  const forged = signStatement({
    v: STATEMENT_VERSION, agreement: net.agreementId, author: 'avalon', index: mirrorBefore.length, time: new Date().toISOString(),
    to: ['borduria'], type: 'notification', case: 'avalon:forged-1', refs: [],
    body: { category: 'availability.ddos', severity: 'critical', summary: 'Not avalon\'s words', actions: ['investigate'] },
  }, impostor);
  const asAvalon = federationAs(avalon.process.files, borduria.process.files);
  let answer;
  try {
    answer = await asAvalon.request({ method: 'POST', path: pushPath('avalon'), contentType: 'application/json', body: JSON.stringify({ statements: [forged.statement] }) });
  } finally {
    await asAvalon.close();
  }
  assert.equal(answer.status, 422, answer.text);
  assert.equal((JSON.parse(answer.text) as { error: string }).error, 'statement.signature');

  const evidence = await borduria.api.get<Array<{ kind: string; party: string; material: { statement?: { sig?: string } } }>>('/api/v1/evidence');
  assert.ok(evidence.some((e) => e.kind === 'forged-statement' && e.party === 'avalon' && e.material.statement?.sig === forged.statement.sig), JSON.stringify(evidence));
  assert.deepEqual((await readLogAs(avalon.process.files, borduria.process.files, 'avalon')).map((s) => s.hash), mirrorBefore.map((s) => s.hash), 'borduria\'s mirror of avalon is unchanged');
  assert.deepEqual((await readLogAs(avalon.process.files, borduria.process.files, 'borduria')).map((s) => s.hash), ownBefore.map((s) => s.hash), 'borduria signed no receipt for it');
  assert.equal(await statementAt(borduria.api, 'avalon', forged.statement.index), undefined);
  assert.equal((await peersOf(borduria.api))[0]!.verification, 'alarm');
}));
