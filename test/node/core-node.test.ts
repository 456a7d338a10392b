import { describe, it } from 'node:test';
import { forEachStore, type MakeStore } from '../support/stores.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pushPath } from '../../src/federation/paths.js';
import { signStatement, type HashedStatement, type UnsignedStatement } from '../../src/protocol/statement.js';
import { fromUtf8 } from '../../src/protocol/encoding.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { DraftRejectedError } from '../../src/node/node-api.js';
import { partyKey } from '../support/case-builder.js';
import { testNet, until, type TestNet } from './core-network.js';

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

/** A statement of avalon's log signed outside its node (for misbehaviour the node itself would never commit). */
function avalonSays(net: TestNet, index: number, change: Partial<UnsignedStatement> = {}, key = partyKey(0)): HashedStatement {
  const unsigned: UnsignedStatement = {
    v: 1, agreement: net.agreement.id, author: 'avalon', index, time: new Date().toISOString(), to: ['borduria'],
    type: 'communication-check', case: null, refs: [], body: { nonce: randomBytes(16).toString('hex'), scheduled: false }, ...change,
  };
  return signStatement(unsigned, key);
}

const pushBody = (...hs: HashedStatement[]) => `{"statements":[${hs.map((h) => fromUtf8(h.leaf)).join(',')}]}`;

/** A test on a fresh network of `parties`, closed after it. */
function withNet(makeStore: MakeStore, parties: string[], test: (net: TestNet) => Promise<void>, prepare?: (net: TestNet) => Promise<void>) {
  return async () => {
    const net = await testNet(parties, makeStore);
    try {
      await prepare?.(net);
      await test(net);
    } finally {
      await net.close();
    }
  };
}

forEachStore('party node', (makeStore) => {
describe('send, deliver, receipts', () => {
  it('delivers a statement and keeps the receipt on both sides, exactly once even when the push is repeated', withNet(makeStore, ['avalon', 'borduria'], async (net) => {
    const avalon = net.node('avalon');
    const borduria = net.node('borduria');
    const sent = await avalon.send(check());
    assert.deepEqual(sent.statement.to, ['borduria'], 'the type rule filled in the addressees');
    await until('avalon holds borduria\'s receipt', async () => (await avalon.store.receipts('avalon', 0)).length === 1);
    const issued = await borduria.store.receipt('avalon', 0, 'borduria');
    assert.ok(issued, 'borduria recorded the receipt it issued');
    const kept = (await avalon.store.receipts('avalon', 0))[0]!;
    assert.equal(kept.receiptHash, issued.receiptHash);
    assert.equal((await borduria.store.statement('borduria', issued.receiptIndex))?.hash, issued.receiptHash, 'the receipt is in borduria\'s own log');

    // The same push again: the same receipt comes back, nothing new is signed.
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(sent)));
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json() as { size: number; receipts: Array<{ index: number }> };
    assert.equal(answer.size, 1);
    assert.equal(answer.receipts.length, 1);
    assert.equal(answer.receipts[0]!.index, issued.receiptIndex);
    assert.equal(await borduria.store.logSize('borduria'), 1, 'no second receipt was signed');

    // borduria's log (with the receipt) reaches avalon's mirror, and is recognised as the same receipt.
    await until('avalon mirrors borduria\'s receipt', () => avalon.ctx.tree('borduria').size === 1);
    assert.equal((await avalon.store.receipts('avalon', 0)).length, 1);
    const view = await avalon.statement('avalon', 0);
    assert.equal(view?.receipts.length, 1);
  }));

  it('refuses a draft the agreement refuses, naming the field', withNet(makeStore, ['avalon', 'borduria'], async (net) => {
    await assert.rejects(
      net.node('avalon').send({ type: 'notification', case: 'avalon:2026-0001', body: { severity: 'apocalyptic' } }),
      (e: unknown) => e instanceof DraftRejectedError && e.path.startsWith('body'),
    );
    assert.equal(await net.node('avalon').store.logSize('avalon'), 0);
  }));

  it('answers the peer status of a peer that has everything', withNet(makeStore, ['avalon', 'borduria'], async (net) => {
    await net.node('avalon').send(check());
    await until('delivered', async () => (await net.node('avalon').peers())[0]?.pendingDeliveries === 0);
    const [status] = await net.node('avalon').peers();
    assert.equal(status?.party, 'borduria');
    assert.equal(status?.reachable, true);
    assert.equal(status?.verification, 'verified');
  }));
});

describe('receiving refuses misbehaviour and keeps evidence', () => {
  // avalon's statements are pushed by hand here: its node is stopped.
  const byHand = (test: (net: TestNet) => Promise<void>) => withNet(makeStore, ['avalon', 'borduria'], test, (net) => net.stop('avalon'));

  it('answers a gap with 409 and the expected index', byHand(async (net) => {
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(avalonSays(net, 1))));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, 'log.gap');
    assert.equal(res.json().expected, 0);
  }));

  it('refuses a forged statement with 422 and keeps it as evidence', byHand(async (net) => {
    const forged = avalonSays(net, 0, {}, signingKeyFromSeed(new Uint8Array(32).fill(99)));
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(forged)));
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().error, 'statement.signature');
    const evidence = await net.node('borduria').evidence();
    assert.ok(evidence.some((e) => e.kind === 'forged-statement' && e.party === 'avalon'));
    assert.equal(net.node('borduria').ctx.tree('avalon').size, 0);
  }));

  it('refuses a fork with 409 and keeps both statements as evidence', byHand(async (net) => {
    const first = avalonSays(net, 0);
    const ok = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(first)));
    assert.equal(ok.statusCode, 200, ok.body);
    const other = avalonSays(net, 0);
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(other)));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, 'log.fork');
    const fork = (await net.node('borduria').evidence()).find((e) => e.kind === 'fork');
    const material = fork?.material as { held: { sig: string }; received: { sig: string } };
    assert.equal(material.held.sig, first.statement.sig);
    assert.equal(material.received.sig, other.statement.sig);
  }));

  it('mirrors a signed statement that breaks a rule, with evidence', byHand(async (net) => {
    const invalid = avalonSays(net, 0, { type: 'notification', case: 'avalon:x-1', body: { severity: 'apocalyptic' } });
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), JSON.parse(pushBody(invalid)));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(net.node('borduria').ctx.tree('avalon').size, 1);
    assert.equal((await net.node('borduria').store.receipts('avalon', 0)).length, 1, 'it was addressed to borduria: receipted');
    assert.ok((await net.node('borduria').evidence()).some((e) => e.kind === 'invalid-statement'));
    const [status] = await net.node('borduria').peers();
    assert.equal(status?.verification, 'alarm');
  }));

  it('refuses a push of a log by another party than its author', byHand(async (net) => {
    const res = await net.inject('borduria', 'avalon', 'POST', pushPath('carpathia'), { statements: [] });
    assert.equal(res.statusCode, 404);
    const res2 = await net.inject('borduria', 'avalon', 'POST', pushPath('borduria'), { statements: [] });
    assert.equal(res2.statusCode, 403);
  }));
});

describe('receipts arriving in a peer\'s log', () => {
  it('counts one receipt per statement, even when the peer signed two', withNet(makeStore, ['avalon', 'borduria'], async (net) => {
    await net.stop('borduria');
    const sent = await net.node('avalon').send(check());
    const receiptAt = (index: number) => signStatement({
      v: 1, agreement: net.agreement.id, author: 'borduria', index, time: new Date().toISOString(), to: ['avalon'], type: 'receipt',
      case: null, refs: [{ party: 'avalon', index: 0, hash: sent.hash }], body: { received: sent.hash, at: sent.statement.time },
    }, partyKey(1));
    const res = await net.inject('avalon', 'borduria', 'POST', pushPath('borduria'), JSON.parse(pushBody(receiptAt(0), receiptAt(1))));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(net.node('avalon').ctx.tree('borduria').size, 2, 'both are borduria\'s statements: mirrored');
    const kept = await net.node('avalon').store.receipts('avalon', 0);
    assert.equal(kept.length, 1);
    assert.equal(kept[0]!.receiptIndex, 0, 'the first receipt counts');
  }));
});

describe('outages', () => {
  it('resumes delivery after a restart', async () => {
    const net = await testNet(['avalon', 'borduria'], makeStore);
    try {
      net.down.add('borduria');
      await net.node('avalon').send(check());
      await net.node('avalon').send(check());
      await until('a failed attempt is recorded', async () => ((await net.stores.get('avalon')!.delivery('borduria'))?.attempts ?? 0) > 0);
      await net.stop('avalon');
      await net.stop('borduria');
      net.down.delete('borduria');
      await net.open('borduria', false); // not started: it will not pull, so only avalon's own delivery can deliver
      const avalon = await net.open('avalon');
      await until('avalon\'s delivery resumed', async () => (await avalon.store.delivery('borduria'))?.ackedSize === 2);
      assert.equal((await avalon.store.receipts('avalon')).length, 2);
    } finally {
      await net.close();
    }
  });

  it('heals a gap: a peer that lost its mirror answers 409 and the sender resends from where it is', async () => {
    const net = await testNet(['avalon', 'borduria'], makeStore);
    try {
      const avalon = net.node('avalon');
      await avalon.send(check());
      await avalon.send(check());
      await until('delivered', async () => (await avalon.store.delivery('borduria'))?.ackedSize === 2);
      await net.stop('borduria');
      net.stores.delete('borduria'); // borduria comes back with an empty store (say, restored from an old backup)
      await net.open('borduria', false);
      const failures: string[] = [];
      avalon.events.on('deliveryFailed', (_peer, error) => failures.push(error));
      await avalon.send(check());
      await until('borduria acknowledged all of avalon\'s log again', async () => (await avalon.store.delivery('borduria'))?.ackedSize === 3);
      assert.equal(net.node('borduria').ctx.tree('avalon').size, 3);
      assert.deepEqual(failures, [], 'a gap is not a failure: the sender resends at once');
    } finally {
      await net.close();
    }
  });

  it('backfills what a peer said while this node was down', async () => {
    const net = await testNet(['avalon', 'borduria', 'carpathia'], makeStore);
    try {
      await net.stop('borduria');
      net.down.add('borduria');
      for (let i = 0; i < 3; i++) await net.node('avalon').send(check());
      net.down.delete('borduria');
      const borduria = await net.open('borduria');
      await until('borduria pulled avalon\'s log', () => borduria.ctx.tree('avalon').size === 3);
      await until('avalon got borduria\'s receipts', async () => (await net.node('avalon').store.receipts('avalon')).filter((r) => r.party === 'borduria').length === 3);
      assert.equal(await borduria.backfill('avalon'), 3, 'a second pull finds nothing new');
    } finally {
      await net.close();
    }
  });
});
});
