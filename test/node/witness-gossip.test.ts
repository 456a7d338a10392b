import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import Fastify from 'fastify';
import { verifyEquivocation, type Equivocation } from '../../src/protocol/equivocation.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { CHECKPOINTS_PATH } from '../../src/federation/paths.js';
import { forEachStore } from '../support/stores.js';
import { addCheckpointBody, checkpointNote, cosignedEvent, grow, serveLogs, signOwnCheckpoint, TestNetwork } from './witness-harness.js';

forEachStore('gossip and split views', (makeStore) => {
  let net: TestNetwork;
  afterEach(async () => net.close());

  it('a log that shows two checkpoints of one size to two witnesses is caught by both, through each other\'s views', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const a = await net.addNode('a', await makeStore());
    const b = await net.addNode('b', await makeStore());
    net.down.add('c'); // c shows nothing through gossip: only a's and b's views can give it away
    const c = net.party('c');
    const toA = grow(new MerkleTree(), 'c', 5);
    const toB = grow(grow(new MerkleTree(), 'c', 3), 'c-for-b', 2);
    assert.equal((await a.witnessing.addCheckpoint('c', addCheckpointBody(c, toA, 0))).status, 200);
    assert.equal((await b.witnessing.addCheckpoint('c', addCheckpointBody(c, toB, 0))).status, 200);
    assert.deepEqual(await a.ctx.store.evidence(), []);

    await a.witnessing.gossipNow();
    await b.witnessing.gossipNow();

    for (const node of [a, b]) {
      const evidence = await node.ctx.store.evidence();
      assert.deepEqual(evidence.map((e) => [e.kind, e.party]), [['equivocation', 'c']], `evidence at ${node.id}`);
      const { first, second } = verifyEquivocation(evidence[0]!.material as Equivocation, c.vkey);
      assert.deepEqual([first.size, second.size], [5, 5]);
      assert.deepEqual(node.alarms.map((e) => e.kind), ['equivocation']);
    }
    // The other side's checkpoint is not adopted: each still holds one history of c.
    assert.deepEqual((await a.ctx.store.checkpoints('c')).map((h) => h.seenFrom), ['c']);
    // Another round finds the same contradiction, and keeps it once.
    await a.witnessing.gossipNow();
    assert.equal((await a.ctx.store.evidence()).length, 1);
  });

  it('checkpoints of different sizes from two histories are caught when the log cannot prove them consistent', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const a = await net.addNode('a', await makeStore());
    const b = await net.addNode('b', await makeStore());
    const c = net.party('c');
    const toA = grow(new MerkleTree(), 'c', 3);
    const toB = grow(new MerkleTree(), 'c-for-b', 6);
    // c's node answers proofs from the history it showed b.
    net.apps.set('c', serveLogs(Fastify(), new Map([['c', toB]])));
    assert.equal((await a.witnessing.addCheckpoint('c', addCheckpointBody(c, toA, 0))).status, 200);
    assert.equal((await b.witnessing.addCheckpoint('c', addCheckpointBody(c, toB, 0))).status, 200);

    await a.witnessing.gossipNow();
    await b.witnessing.gossipNow();

    for (const node of [a, b]) {
      const evidence = await node.ctx.store.evidence();
      assert.deepEqual(evidence.map((e) => [e.kind, e.party]), [['fork', 'c']], `evidence at ${node.id}`);
      const material = evidence[0]!.material as { first: string; second: string };
      assert.deepEqual([material.first, material.second], [checkpointNote(c, toA), checkpointNote(c, toB)]);
    }
  });

  it('a larger checkpoint that the log proves consistent is kept with its cosignatures, and the mirror is backfilled', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const a = await net.addNode('a', await makeStore());
    const b = await net.addNode('b', await makeStore());
    // c's retries wait long: a must learn c's new checkpoint from b's view, not from c's next offer.
    const c = await net.addNode('c', await makeStore(), { retryDelayMs: () => 60_000 });
    const own = grow(c.trees.get('c')!, 'c', 2);
    const firstDone = Promise.all([cosignedEvent(c, 'a', 2), cosignedEvent(c, 'b', 2)]);
    await signOwnCheckpoint(c);
    await firstDone;
    // a goes down; c grows and only b cosigns the new checkpoint.
    net.down.add('a');
    grow(own, 'c', 4);
    const secondDone = cosignedEvent(c, 'b', 6);
    await signOwnCheckpoint(c);
    await secondDone;
    net.down.delete('a');
    a.backfills.length = 0;
    // c answers proofs but shows no view: what a learns of c's growth, it learns from b.
    net.interceptors.push((_from, to, request) => {
      if (to === 'c' && request.path === CHECKPOINTS_PATH) throw new Error('no view from c');
    });

    await a.witnessing.gossipNow();

    assert.deepEqual(await a.ctx.store.evidence(), []);
    const latest = await a.ctx.store.latestCheckpoint('c');
    assert.deepEqual([latest?.size, latest?.seenFrom], [6, 'b']);
    assert.deepEqual((await a.ctx.store.cosignatures('c', 6)).map((x) => x.witness), ['b']);
    assert.deepEqual(a.backfills, ['c']);
    // a's own log: nothing to learn, nothing refused.
    assert.deepEqual(b.alarms, []);
  });

  it('a peer that shows a checkpoint the log did not sign is accused of it', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const a = await net.addNode('a', await makeStore());
    const liar = Fastify();
    const forged = checkpointNote({ ...net.party('b'), name: 'witness-test/c' }, grow(new MerkleTree(), 'c', 2));
    liar.get('/v1/checkpoints', async () => ({ checkpoints: { c: forged } }));
    net.apps.set('b', liar);
    net.down.add('c');
    await a.witnessing.gossipNow();
    const evidence = await a.ctx.store.evidence();
    assert.deepEqual(evidence.map((e) => [e.kind, e.party, e.reportedBy]), [['bad-checkpoint', 'b', 'b']]);
    assert.deepEqual(await a.ctx.store.checkpoints('c'), []);
  });

  it('the gossip timer reads the views at start and stops cleanly', async () => {
    net = new TestNetwork(['a', 'b']);
    const a = await net.addNode('a', await makeStore(), { gossipIntervalMs: 60_000 });
    const b = await net.addNode('b', await makeStore());
    grow(b.trees.get('b')!, 'b', 1);
    await b.ctx.store.write({
      checkpoints: [{ log: 'b', size: 1, root: Buffer.from(b.trees.get('b')!.root()).toString('hex'), note: checkpointNote(b.party, b.trees.get('b')!), seenFrom: 'b', storedAt: new Date().toISOString() }],
    });
    a.witnessing.start();
    await a.witnessing.stop();
    assert.equal((await a.ctx.store.latestCheckpoint('b'))?.size, 1);
  });
});
