import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { systemClock } from '../../src/node/clock.js';
import { DraftRejectedError, type StatementDraft } from '../../src/node/node-api.js';
import type { PeerTransport } from '../../src/node/node-context.js';
import { PartyNode } from '../../src/node/party-node.js';
import type { StoreWrites } from '../../src/storage/store.js';
import { parseStatement, verifyStatementSignature } from '../../src/protocol/statement.js';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import { tempDir } from '../support/temp.js';
import { makeAgreement, partyKey } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';
import { testNet, until } from './core-network.js';

const agreement = makeAgreement(['avalon', 'borealis']);

/** A peer that is never reached: these tests look at one node's own log. */
const unreachable: PeerTransport = {
  party: 'borealis',
  request: () => Promise.reject(new Error('test: borealis is down')),
  close: async () => undefined,
};

const check = (): StatementDraft => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

/** A store that counts its transactions holding statements, and can be told to fail the next write. */
class CountingStore extends MemoryStore {
  statementWrites = 0;
  failNext: Error | undefined;

  override async write(writes: StoreWrites): Promise<void> {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    if ((writes.statements?.length ?? 0) > 0) this.statementWrites++;
    return super.write(writes);
  }
}

async function openNode(store: CountingStore, checkpointIntervalMs?: number): Promise<PartyNode> {
  return PartyNode.open({
    party: 'avalon', agreement, signingKey: partyKey(0), store, clock: systemClock, logger: pino({ level: 'silent' }),
    peers: new Map([['borealis', unreachable]]),
    ...(checkpointIntervalMs === undefined ? {} : { checkpoints: { intervalMs: checkpointIntervalMs } }),
  });
}

describe('group commit of the own log', () => {
  it('writes sends made together in one transaction, numbered in the order they were made', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    const sent = await Promise.all(Array.from({ length: 10 }, () => node.send(check())));
    assert.deepEqual(sent.map((h) => h.statement.index), [...Array(10).keys()]);
    assert.equal(store.statementWrites, 1);
    assert.deepEqual((await store.statements('avalon', 0, 10)).map((s) => s.hash), sent.map((h) => h.hash));
    assert.equal(new Set(sent.map((h) => h.statement.time)).size, 1, 'one transaction, one time');
  });

  it('refuses a bad draft alone: the others of its group are written without a gap', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    const results = await Promise.allSettled([node.send(check()), node.send({ type: 'communication-check', body: {} }), node.send(check())]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.ok((results[1] as PromiseRejectedResult).reason instanceof DraftRejectedError);
    assert.equal(results[2].status, 'fulfilled');
    assert.deepEqual(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.statement.index] : [])), [0, 1]);
    assert.equal(await store.logSize('avalon'), 2);
  });

  it('fails every send of a transaction the store refused, and numbers the next send as if they had never been', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    await node.send(check());
    store.failNext = new Error('disk full');
    const failed = await Promise.allSettled([node.send(check()), node.send(check())]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    assert.match(String((failed[0] as PromiseRejectedResult).reason), /disk full/);
    const next = await node.send(check());
    assert.equal(next.statement.index, 1);
    assert.equal(await store.logSize('avalon'), 2);
  });

  it('keeps sending after a group while another one queued meanwhile (each caller hears of its own statement)', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    const first = node.send(check());
    await Promise.resolve(); // the first group is under way
    const later = Promise.all([node.send(check()), node.send(check())]);
    const all = [await first, ...(await later)];
    assert.deepEqual(all.map((h) => h.statement.index), [0, 1, 2]);
    assert.ok(store.statementWrites <= 2);
  });
});

describe('checkpoints of the own log', () => {
  it('signs one checkpoint for the appends of an interval, not one each, and covers the whole log when the node stops', async () => {
    const store = new CountingStore();
    const node = await openNode(store, 60_000);
    await node.start();
    await node.send(check());
    await until('the first append is checkpointed at once (the node was idle)', async () => (await store.latestCheckpoint('avalon'))?.size === 1);
    for (let i = 0; i < 5; i++) await node.send(check());
    await node.stop();
    assert.deepEqual((await store.checkpoints('avalon')).map((c) => c.size), [1, 6]);
  });
});

describe('delivery of own receipts', () => {
  it('holds receipts back until something else is to be delivered, then pushes them all with it', async () => {
    const net = await testNet(['avalon', 'borealis']);
    try {
      await net.stop('borealis');
      net.nodeOptions = { delivery: { receiptDelayMs: 600_000 } };
      const borealis = await net.open('borealis');
      const avalon = net.node('avalon');
      for (let i = 0; i < 3; i++) {
        await avalon.send(check());
        await until(`avalon holds borealis's receipt ${i}`, async () => (await avalon.store.receipts('avalon')).length === i + 1);
      }
      assert.equal(await borealis.store.logSize('borealis'), 3, 'borealis signed three receipts');
      assert.equal((await borealis.peers())[0]!.pendingDeliveries, 3, 'and pushed none of them: avalon has them from the push answers');

      await borealis.send(check());
      await until('borealis delivered its log', async () => (await borealis.peers())[0]!.pendingDeliveries === 0);
      assert.equal(avalon.ctx.tree('borealis').size, 4);
    } finally {
      await net.close();
    }
  });
});

describe('bursts through the signing threads', () => {
  const notification = (i: number, summary = `burst ${i}`): StatementDraft => ({
    type: 'notification', to: ['borealis'], case: `avalon:burst-${i}`,
    body: { category: 'information-gathering.scanner', severity: 'high', summary, actions: ['investigate'], language: 'en' },
  });

  async function verifiedLog(store: CountingStore): Promise<number[]> {
    const stored = await store.statements('avalon', 0, Number.MAX_SAFE_INTEGER);
    const key = partyKey(0).publicKey;
    let time = '';
    return stored.map((s, i) => {
      const h = parseStatement(s.text);
      verifyStatementSignature(h.statement, key);
      assert.equal(h.statement.index, i, 'contiguous from 0');
      assert.ok(h.statement.time >= time, 'times never go back');
      time = h.statement.time;
      return h.statement.index;
    });
  }

  it('numbers hundreds of sends made at once in the order they were made, each signed by the node, in few transactions', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    try {
      const sent = await Promise.all(Array.from({ length: 600 }, (_, i) => node.send(notification(i))));
      assert.deepEqual(sent.map((h) => h.statement.case), Array.from({ length: 600 }, (_, i) => `avalon:burst-${i}`));
      assert.deepEqual(sent.map((h) => h.statement.index), [...Array(600).keys()]);
      assert.equal((await verifiedLog(store)).length, 600);
      assert.ok(store.statementWrites < 20, `600 sends in ${store.statementWrites} transactions`);
    } finally {
      await node.stop();
    }
  });

  it('refuses a draft JSON cannot carry alone, in a burst signed by the threads', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => node.send(notification(i, i === 30 ? 'lone \ud800 surrogate' : `burst ${i}`))));
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    assert.deepEqual(refused, [30]);
    assert.ok((results[30] as PromiseRejectedResult).reason instanceof DraftRejectedError);
    assert.equal((await verifiedLog(store)).length, 59);
  });

  it('numbers again the group signed behind a write that failed, so the log has no gap', async () => {
    const store = new CountingStore();
    const node = await openNode(store);
    store.failNext = new Error('disk full');
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => node.send(notification(i))));
    const failed = results.filter((r) => r.status === 'rejected');
    assert.ok(failed.length > 0 && failed.length < 200, `the first group failed (${failed.length} sends), the rest were written`);
    for (const r of failed) assert.match(String((r as PromiseRejectedResult).reason), /disk full/);
    const written = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.statement.index] : []));
    assert.deepEqual(written, [...Array(200 - failed.length).keys()]);
    assert.equal((await verifiedLog(store)).length, 200 - failed.length);
  });
});

describe('the own log and the disk (SQLite)', () => {
  const dir = tempDir('parley-own-log-');
  let files = 0;

  /** A node on SQLite whose WAL flushes wait until the test releases them. */
  async function nodeOnHeldDisk(): Promise<{ node: PartyNode; release: () => void; fail: (e: Error) => void; started: () => number }> {
    const held: { release: () => void; fail: (e: Error) => void }[] = [];
    let holding = false;
    let started = 0;
    const store = openSqliteStore(join(dir, `own-${++files}.db`), {
      syncFile: async (handle) => {
        started++;
        if (holding) await new Promise<void>((release, fail) => held.push({ release, fail }));
        return handle.datasync();
      },
    });
    await store.migrate();
    const node = await PartyNode.open({
      party: 'avalon', agreement, signingKey: partyKey(0), store, clock: systemClock, logger: pino({ level: 'silent' }),
      peers: new Map([['borealis', unreachable]]),
    });
    holding = true;
    return {
      node,
      release: () => held.splice(0).forEach((h) => h.release()),
      fail: (e) => held.splice(0).forEach((h) => h.fail(e)),
      started: () => started,
    };
  }

  it('answers no sender, and tells neither delivery nor a pulling peer, before the statement is on the disk', async () => {
    const { node, release } = await nodeOnHeldDisk();
    const appended: number[] = [];
    node.events.on('appended', (h) => appended.push(h.statement.index));
    let answered = 0;
    const sends = Array.from({ length: 300 }, () => node.send(check()).then((h) => (answered++, h)));
    await until('the first groups are committed', async () => (await node.store.logSize('avalon')) > 0);
    assert.equal(answered, 0, 'committed, not flushed: nobody is answered');
    assert.equal(node.ctx.tree('avalon').size, 0, 'the tree (what delivery, checkpoints and pulls see) has not grown');
    assert.deepEqual(appended, []);
    const releasing = setInterval(release, 5); // every flush from now on, as it comes
    const sent = await Promise.all(sends).finally(() => clearInterval(releasing));
    assert.deepEqual(sent.map((h) => h.statement.index), [...Array(300).keys()]);
    assert.deepEqual(appended, [...Array(300).keys()], 'the tree grew in order, once each');
    await node.store.close();
  });

  it('rejects the senders of a group whose flush failed, and never adds it to the tree', async () => {
    const { node, fail, started } = await nodeOnHeldDisk();
    const before = started();
    const sends = Array.from({ length: 50 }, () => node.send(check()));
    await until('a flush is under way', async () => started() > before);
    fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const results = await Promise.allSettled(sends);
    assert.ok(results.every((r) => r.status === 'rejected' && /EIO/.test(String(r.reason))), 'every sender hears of the failure');
    assert.equal(node.ctx.tree('avalon').size, 0);
    await node.store.close();
  });
});
