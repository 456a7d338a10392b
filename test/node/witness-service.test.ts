import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { verifyCosignature } from '../../src/protocol/cosignature.js';
import { verifyEquivocation, type Equivocation } from '../../src/protocol/equivocation.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { parseNote } from '../../src/protocol/signed-note.js';
import { formatAddCheckpointRequest } from '../../src/protocol/witness.js';
import { ADD_CHECKPOINT_PATH, CHECKPOINTS_PATH } from '../../src/federation/paths.js';
import { forEachStore } from '../support/stores.js';
import { until } from './core-network.js';
import { addCheckpointBody, checkpointNote, grow, leaves, TestNetwork, type TestNode } from './witness-harness.js';

function textOf(note: string): string {
  return parseNote(note).text;
}

forEachStore('witnessing, witness side', (makeStore) => {
  let net: TestNetwork;
  let b: TestNode;
  afterEach(async () => net.close());

  async function setUp(): Promise<void> {
    net = new TestNetwork(['a', 'b', 'c']);
    b = await net.addNode('b', await makeStore());
  }

  it('cosigns a growing log and answers a stale old size with 409 and the size it cosigned', async () => {
    await setUp();
    const a = net.party('a');
    const log = grow(new MerkleTree(), 'a', 4);
    const first = await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 0));
    assert.equal(first.status, 200);
    assert.equal(first.contentType.split(';')[0], 'text/plain');
    assert.deepEqual(verifyCosignature(textOf(checkpointNote(a, log)), first.body, net.party('b').vkey).name, 'witness-test/b');
    grow(log, 'a', 3);
    const stale = await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 2));
    assert.deepEqual(stale, { status: 409, contentType: 'text/x.tlog.size', body: '4\n' });
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 4))).status, 200);
    assert.equal((await b.ctx.store.witnessRecord('a'))?.size, 7);
    assert.deepEqual(await b.ctx.store.evidence(), []);
  });

  it('refuses an inconsistent checkpoint (422) and keeps a same-size different root as equivocation evidence', async () => {
    await setUp();
    const a = net.party('a');
    const log = grow(new MerkleTree(), 'a', 4);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 0))).status, 200);
    // Another history: it shares no leaf with the one cosigned, so no proof from 4 can verify.
    const other = grow(new MerkleTree(), 'a-other', 6);
    const inconsistent = await b.witnessing.addCheckpoint('a', addCheckpointBody(a, other, 4));
    assert.equal(inconsistent.status, 422);
    assert.equal(JSON.parse(inconsistent.body).error, 'witness.consistency');
    // The same size with another root: the witness says what it cosigned, and keeps both signed notes.
    const equivocating = await b.witnessing.addCheckpoint('a', addCheckpointBody(a, other, 4, 4));
    assert.deepEqual(equivocating, { status: 409, contentType: 'text/x.tlog.size', body: '4\n' });
    const evidence = await b.ctx.store.evidence();
    assert.deepEqual(evidence.map((e) => [e.kind, e.party]), [['equivocation', 'a']]);
    const checked = verifyEquivocation(evidence[0]!.material as Equivocation, a.vkey);
    assert.deepEqual([checked.first.size, checked.second.size], [4, 4]);
    assert.deepEqual(b.alarms.map((e) => e.kind), ['equivocation']);
    // Offered again, it is refused again, without a second copy of the evidence.
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, other, 4, 4))).status, 409);
    assert.equal((await b.ctx.store.evidence()).length, 1);
    assert.equal((await b.ctx.store.witnessRecord('a'))?.root, Buffer.from(log.root(4)).toString('hex'));
  });

  it('refuses a checkpoint of another log than the caller\'s (403), unsigned ones (403) and garbage (400)', async () => {
    await setUp();
    const log = grow(new MerkleTree(), 'a', 2);
    const ofA = addCheckpointBody(net.party('a'), log, 0);
    const asC = await b.witnessing.addCheckpoint('c', ofA);
    assert.equal(asC.status, 403);
    assert.equal(JSON.parse(asC.body).error, 'witness.origin');
    // Signed by c's key, but claiming to be a's log.
    const forged = formatAddCheckpointRequest({ oldSize: 0, proof: [], note: checkpointNote({ ...net.party('c'), name: 'witness-test/a' }, log) });
    assert.equal((await b.witnessing.addCheckpoint('a', forged)).status, 403);
    assert.equal((await b.witnessing.addCheckpoint('b', addCheckpointBody(net.party('b'), log, 0))).status, 403);
    const garbage = await b.witnessing.addCheckpoint('a', 'old x\n\nnot a note');
    assert.equal(garbage.status, 400);
    assert.equal(JSON.parse(garbage.body).error, 'witness.request');
    assert.equal(await b.ctx.store.witnessRecord('a'), undefined);
  });

  it('refuses a checkpoint whose root is not that of the statements the log delivered, as a fork', async () => {
    await setUp();
    const a = net.party('a');
    const mirror = b.trees.get('a')!;
    for (const h of leaves('a', 0, 5)) mirror.append(h);
    const other = grow(new MerkleTree(), 'a-other', 3);
    const answer = await b.witnessing.addCheckpoint('a', addCheckpointBody(a, other, 0));
    assert.equal(answer.status, 422);
    assert.equal(JSON.parse(answer.body).error, 'witness.split-view');
    const evidence = await b.ctx.store.evidence();
    assert.deepEqual(evidence.map((e) => [e.kind, e.party]), [['fork', 'a']]);
    assert.equal(await b.ctx.store.witnessRecord('a'), undefined);
    // The true history is cosigned; a checkpoint beyond the mirror asks for a backfill.
    const honest = grow(new MerkleTree(), 'a', 7);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, honest, 0, 5))).status, 200);
    assert.deepEqual(b.backfills, []);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, honest, 5))).status, 200);
    assert.deepEqual(b.backfills, ['a']);
  });

  it('lets the log\'s own push fill a mirror behind a checkpoint, and pulls only what is still missing after the grace, up to its size', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const pulls: Array<[string, number]> = [];
    b = await net.addNode('b', await makeStore(), { mirrorGraceMs: 150, backfill: async (party, wanted) => void pulls.push([party, wanted]) });
    const a = net.party('a');
    const mirror = b.trees.get('a')!;
    const log = grow(new MerkleTree(), 'a', 3);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 0))).status, 200);
    // The push arrives within the grace: nothing is pulled, then or after it.
    for (const h of leaves('a', 0, 3)) mirror.append(h);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(pulls, []);
    grow(log, 'a', 4);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, log, 3))).status, 200);
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a, grow(log, 'a', 2), 7))).status, 200);
    assert.deepEqual(pulls, [], 'no pull while the push may still come');
    // Only part of it is pushed: the rest is pulled, once, up to the largest checkpoint shown meanwhile.
    for (const h of leaves('a', 3, 2)) mirror.append(h);
    await until('the pull of what the push did not bring', () => pulls.length > 0);
    assert.deepEqual(pulls, [['a', 9]]);
  });

  it('serves add-checkpoint and the gossip view over HTTP, the caller being the pinned peer', async () => {
    await setUp();
    const a = net.party('a');
    const log = grow(new MerkleTree(), 'a', 3);
    const body = addCheckpointBody(a, log, 0);
    const post = (peer?: string) =>
      b.app.inject({ method: 'POST', url: ADD_CHECKPOINT_PATH, payload: body, headers: { 'content-type': 'text/plain', ...(peer ? { 'x-test-peer': peer } : {}) } });
    const unpinned = await post();
    assert.equal(unpinned.statusCode, 403);
    assert.equal(unpinned.json().error, 'peer.unpinned');
    const ok = await post('a');
    assert.equal(ok.statusCode, 200);
    const line = ok.body.trimEnd();
    const view = await b.app.inject({ method: 'GET', url: CHECKPOINTS_PATH, headers: { 'x-test-peer': 'c' } });
    assert.equal(view.statusCode, 200);
    // b's view of a's log: a's checkpoint with b's cosignature on it.
    assert.deepEqual(view.json(), { checkpoints: { a: `${checkpointNote(a, log)}${line}\n` } });
    const stale = await b.app.inject({ method: 'POST', url: ADD_CHECKPOINT_PATH, payload: addCheckpointBody(a, log, 1), headers: { 'content-type': 'text/plain', 'x-test-peer': 'a' } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.headers['content-type'], 'text/x.tlog.size');
    assert.equal(stale.body, '3\n');
  });
});
