import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { openCheckpoint, parseCheckpoint } from '../../src/protocol/checkpoint.js';
import { parseNote } from '../../src/protocol/signed-note.js';
import { parseAddCheckpointRequest } from '../../src/protocol/witness.js';
import { ADD_CHECKPOINT_PATH } from '../../src/federation/paths.js';
import { forEachStore } from '../support/stores.js';
import { addCheckpointBody, cosignedEvent, grow, signOwnCheckpoint, TestNetwork } from './witness-harness.js';

/** The add-checkpoint requests `from` sent (to `to`, or to anyone), in order: [old size, checkpoint size]. */
function requestsSent(net: TestNetwork, from: string, to?: string): Array<[number, number]> {
  return net.sent
    .filter((s) => s.from === from && (to === undefined || s.to === to) && s.request.path === ADD_CHECKPOINT_PATH)
    .map((s) => {
      const request = parseAddCheckpointRequest(String(s.request.body));
      return [request.oldSize, parseCheckpoint(parseNote(request.note).text).size];
    });
}

function oldSizesSent(net: TestNetwork, from: string): number[] {
  return requestsSent(net, from).map(([old]) => old);
}

forEachStore('witnessing, client side', (makeStore) => {
  let net: TestNetwork;
  afterEach(async () => net.close());

  it('a witness cosigns a growing log, each time from the size it cosigned before', async () => {
    net = new TestNetwork(['a', 'b']);
    const a = await net.addNode('a', await makeStore());
    const b = await net.addNode('b', await makeStore());
    const own = a.trees.get('a')!;
    for (const count of [3, 1, 5]) {
      grow(own, 'a', count);
      const cosigned = cosignedEvent(a, 'b', own.size);
      await signOwnCheckpoint(a);
      await cosigned;
    }
    assert.deepEqual(oldSizesSent(net, 'a'), [0, 3, 4]);
    const lines = await a.ctx.store.cosignatures('a');
    assert.deepEqual(lines.map((c) => [c.size, c.witness]).sort(), [[3, 'b'], [4, 'b'], [9, 'b']]);
    // The stored line makes the checkpoint open as cosigned by b, as any verifier of the export would check.
    const latest = (await a.ctx.store.latestCheckpoint('a'))!;
    const line = lines.find((c) => c.size === 9)!.line;
    const opened = openCheckpoint(`${latest.note}${line}\n`, net.party('a').vkey, [net.party('b').vkey]);
    assert.deepEqual(opened.cosignedBy.map((c) => c.name), ['witness-test/b']);
    // The witness remembers the latest checkpoint it cosigned, and keeps it with its own cosignature.
    assert.equal((await b.ctx.store.witnessRecord('a'))?.size, 9);
    assert.deepEqual((await b.ctx.store.cosignatures('a', 9)).map((c) => c.witness), ['b']);
    assert.equal((await b.ctx.store.latestCheckpoint('a'))?.seenFrom, 'a');
  });

  it('after a 409 the client retries once with the size the witness names', async () => {
    net = new TestNetwork(['a', 'b']);
    const a = await net.addNode('a', await makeStore());
    const b = await net.addNode('b', await makeStore());
    const own = grow(a.trees.get('a')!, 'a', 3);
    // b cosigned size 3 earlier, but a kept no record of it (say, a restored an old backup).
    assert.equal((await b.witnessing.addCheckpoint('a', addCheckpointBody(a.party, own, 0))).status, 200);
    grow(own, 'a', 2);
    const cosigned = cosignedEvent(a, 'b', 5);
    await signOwnCheckpoint(a);
    await cosigned;
    assert.deepEqual(oldSizesSent(net, 'a'), [0, 3]);
    assert.equal((await b.ctx.store.witnessRecord('a'))?.size, 5);
  });

  it('a witness that cannot be reached is retried until it cosigns', async () => {
    net = new TestNetwork(['a', 'b']);
    const a = await net.addNode('a', await makeStore());
    await net.addNode('b', await makeStore());
    let failures = 2;
    net.interceptors.push(() => {
      if (failures-- > 0) throw new Error('connection reset');
    });
    grow(a.trees.get('a')!, 'a', 2);
    const cosigned = cosignedEvent(a, 'b', 2);
    await signOwnCheckpoint(a);
    await cosigned;
    assert.equal(oldSizesSent(net, 'a').length, 3);
    assert.deepEqual((await a.ctx.store.cosignatures('a', 2)).map((c) => c.witness), ['b']);
  });

  it('checkpoints signed in a burst are coalesced: one request at a time per witness, the latest one cosigned', async () => {
    net = new TestNetwork(['a', 'b', 'c']);
    const a = await net.addNode('a', await makeStore());
    await net.addNode('b', await makeStore());
    await net.addNode('c', await makeStore());
    const inFlight = new Map<string, number>();
    let most = 0;
    const release: Array<() => void> = [];
    net.interceptors.push(async (_from, to) => {
      inFlight.set(to, (inFlight.get(to) ?? 0) + 1);
      most = Math.max(most, inFlight.get(to)!);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight.set(to, inFlight.get(to)! - 1);
    });
    const own = a.trees.get('a')!;
    const cosignedB = cosignedEvent(a, 'b', 10);
    const cosignedC = cosignedEvent(a, 'c', 10);
    for (let i = 0; i < 10; i++) {
      grow(own, 'a', 1);
      await signOwnCheckpoint(a);
    }
    // Let the held requests go, and any the loop sends after them.
    const pump = setInterval(() => release.splice(0).forEach((r) => r()), 1);
    await Promise.all([cosignedB, cosignedC]);
    clearInterval(pump);
    assert.equal(most, 1);
    // The first request was in flight during the burst; at most one more followed, with the latest size only.
    for (const witness of ['b', 'c']) {
      const sent = requestsSent(net, 'a', witness);
      assert.ok(sent.length <= 2, `${sent.length} requests to ${witness}`);
      assert.deepEqual(sent.at(-1), [sent.length === 1 ? 0 : sent[0]![1], 10]);
    }
  });
});
