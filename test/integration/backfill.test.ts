/**
 * A peer that was down catches up: what avalon's people sent while borduria's node was stopped reaches borduria
 * when it runs again, in avalon's order, and borduria's receipts come back to avalon.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../src/demo/wait.js';
import { tempDir } from '../support/temp.js';
import { readLogAs } from './support/federation-as.js';
import { notification, peersOf, statementAt, type Sent } from './support/drafts.js';
import { ProcessNetwork } from './support/process-network.js';

const root = tempDir('parley-int-backfill-');
let net: ProcessNetwork;

before(async () => { net = await ProcessNetwork.start(root, 2); });
after(async () => { await net?.close(); });

test('statements sent while borduria was stopped reach it after its restart, in order, and are receipted', () => net.explaining(async () => {
  const avalon = net.party('avalon');
  const borduria = net.party('borduria');
  await borduria.process.stop();

  const sent: Sent[] = [];
  for (let i = 1; i <= 6; i++) sent.push(await avalon.api.post<Sent>('/api/v1/statements', notification(`avalon:down-${i}`, ['borduria'], `report ${i}`)));
  const [waiting] = await peersOf(avalon.api);
  assert.equal(waiting?.pendingDeliveries, sent.length, 'avalon keeps them for borduria');

  await borduria.process.start();
  await waitFor('borduria to catch up and its receipts to reach avalon', 60_000, async () => (await peersOf(avalon.api))[0]!.pendingDeliveries === 0);
  for (const s of sent) {
    const mirrored = await statementAt(borduria.api, 'avalon', s.index);
    assert.equal(mirrored?.hash, s.hash, `borduria holds avalon/${s.index}`);
    await waitFor(`avalon to show borduria's receipt for avalon/${s.index}`, 30_000, async () => (await statementAt(avalon.api, 'avalon', s.index))!.receipts.some((r) => r.party === 'borduria'));
  }
  // Per author, the mirror is the author's log, statement for statement: the order avalon sent them in.
  const log = await readLogAs(borduria.process.files, avalon.process.files, 'avalon');
  const mirror = await readLogAs(avalon.process.files, borduria.process.files, 'avalon');
  assert.deepEqual(mirror.map((s) => s.hash), log.map((s) => s.hash));
  assert.deepEqual(sent.map((s) => mirror.findIndex((m) => m.hash === s.hash)), sent.map((s) => s.index));
  assert.deepEqual(sent.map((s) => s.index), [...sent.map((s) => s.index)].sort((a, b) => a - b));
}));
