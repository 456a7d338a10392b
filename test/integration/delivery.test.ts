/**
 * Two parties' nodes, each its own `parley serve` process: what one party's people send through their API reaches
 * the other party, comes back receipted, and a push the peer already has changes nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pushPath } from '../../src/federation/paths.js';
import { parseStatement } from '../../src/protocol/statement.js';
import { waitFor } from '../../src/demo/wait.js';
import { tempDir } from '../support/temp.js';
import { federationAs, readLogAs } from './support/federation-as.js';
import { notification, peersOf, statementAt, type Sent } from './support/drafts.js';
import { ProcessNetwork } from './support/process-network.js';

const root = tempDir('parley-int-delivery-');
let net: ProcessNetwork;
let first: Sent;

before(async () => { net = await ProcessNetwork.start(root, 2); });
after(async () => { await net?.close(); });

test('a notification sent through avalon\'s API shows in borduria\'s case, and avalon\'s API shows borduria\'s receipt', () => net.explaining(async () => {
  const avalon = net.party('avalon');
  const borduria = net.party('borduria');
  first = await avalon.api.post<Sent>('/api/v1/statements', notification('avalon:int-1', ['borduria']));

  await waitFor('borduria to show the case', 30_000, async () => (await statementAt(borduria.api, 'avalon', first.index)) !== undefined);
  const kase = await borduria.api.get<{ id: string; statements: Array<{ hash: string } | null> }>('/api/v1/cases/avalon:int-1');
  assert.equal(kase.statements[0]?.hash, first.hash, 'borduria holds the statement avalon signed');

  await waitFor('avalon to show borduria\'s receipt', 30_000, async () => (await statementAt(avalon.api, 'avalon', first.index))!.receipts.length > 0);
  const shown = (await statementAt(avalon.api, 'avalon', first.index))!;
  assert.deepEqual(shown.receipts.map((r) => r.party), ['borduria']);
  const receipt = (await statementAt(borduria.api, 'borduria', shown.receipts[0]!.index))!;
  assert.equal(receipt.hash, shown.receipts[0]!.hash);
  assert.equal(receipt.statement.type, 'receipt');
  assert.deepEqual(receipt.statement.refs, [{ party: 'avalon', index: first.index, hash: first.hash }]);
  assert.deepEqual((await peersOf(avalon.api)).map((p) => [p.party, p.pendingDeliveries]), [['borduria', 0]]);
}));

test('the same push replayed twice by avalon takes effect once: the same receipt, borduria\'s logs unchanged', () => net.explaining(async () => {
  const avalon = net.party('avalon').process.files;
  const borduria = net.party('borduria').process.files;
  const [statement] = (await readLogAs(borduria, avalon, 'avalon')).slice(first.index, first.index + 1);
  assert.equal(statement?.hash, first.hash);
  const ownBefore = await readLogAs(avalon, borduria, 'borduria');
  const mirrorBefore = await readLogAs(avalon, borduria, 'avalon');

  const asAvalon = federationAs(avalon, borduria);
  try {
    const push = () => asAvalon.json<{ size: number; receipts: unknown[] }>({
      method: 'POST', path: pushPath('avalon'), contentType: 'application/json', body: JSON.stringify({ statements: [statement!.statement] }),
    });
    const answers = [await push(), await push()];
    const shown = (await statementAt(net.party('avalon').api, 'avalon', first.index))!;
    for (const a of answers) {
      assert.equal(a.size, mirrorBefore.length);
      assert.deepEqual(a.receipts.map((r) => parseStatement(r).hash), [shown.receipts[0]!.hash], 'the answer carries the receipt already issued');
    }
  } finally {
    await asAvalon.close();
  }
  const ownAfter = await readLogAs(avalon, borduria, 'borduria');
  assert.deepEqual(ownAfter.map((s) => s.hash), ownBefore.map((s) => s.hash), 'borduria signed no second receipt');
  assert.deepEqual((await readLogAs(avalon, borduria, 'avalon')).map((s) => s.hash), mirrorBefore.map((s) => s.hash));
  const receiptsOfFirst = ownAfter.filter((s) => s.statement.type === 'receipt' && s.statement.refs.some((r) => r.hash === first.hash));
  assert.equal(receiptsOfFirst.length, 1);
}));
