import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { systemClock } from '../../src/node/clock.js';
import type { PeerRequest, PeerResponse, PeerTransport } from '../../src/node/node-context.js';
import type { OwnCheckpointsOptions } from '../../src/node/own-checkpoints.js';
import { PartyNode } from '../../src/node/party-node.js';
import { makeAgreement, partyKey } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';
import { until } from './core-network.js';

const agreement = makeAgreement(['avalon', 'borealis']);

/** Borealis as a transport whose push answers wait until the test releases them; it cosigns nothing. */
class HeldPushes implements PeerTransport {
  readonly party = 'borealis';
  readonly pushes: Array<() => void> = [];

  request(req: PeerRequest): Promise<PeerResponse> {
    if (req.method !== 'POST' || !req.path.endsWith('/statements')) return Promise.resolve({ status: 503, headers: {}, text: 'not now' });
    const size = (JSON.parse(String(req.body)) as { statements: Array<{ index: number }> }).statements.at(-1)!.index + 1;
    return new Promise((resolve) => this.pushes.push(() => resolve({ status: 200, headers: {}, text: JSON.stringify({ size, receipts: [] }) })));
  }

  releaseAll(): void {
    for (const release of this.pushes.splice(0)) release();
  }

  async close(): Promise<void> {}
}

async function startNode(store: MemoryStore, borealis: HeldPushes, checkpoints: OwnCheckpointsOptions): Promise<PartyNode> {
  const node = await PartyNode.open({
    party: 'avalon', agreement, signingKey: partyKey(0), store, clock: systemClock, logger: pino({ level: 'silent' }),
    peers: new Map([['borealis', borealis]]), checkpoints,
  });
  await node.start();
  return node;
}

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

describe('when the own log is checkpointed', () => {
  it('signs a due checkpoint only once the push of the statements it covers is answered', async () => {
    const store = new MemoryStore();
    const borealis = new HeldPushes();
    const node = await startNode(store, borealis, { intervalMs: 0, settleMs: 1, maxDeferMs: 600_000 });
    try {
      await node.send(check());
      await until('the push is in flight', () => borealis.pushes.length === 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await store.latestCheckpoint('avalon'), undefined, 'no checkpoint while the push is in flight');
      borealis.releaseAll();
      await until('the checkpoint after the push', async () => (await store.latestCheckpoint('avalon'))?.size === 1);
    } finally {
      borealis.releaseAll();
      await node.stop();
    }
  });

  it('signs it anyway after maxDeferMs when the pushes never settle: every statement is still witnessed', async () => {
    const store = new MemoryStore();
    const borealis = new HeldPushes();
    const node = await startNode(store, borealis, { intervalMs: 0, settleMs: 1, maxDeferMs: 50 });
    try {
      await node.send(check());
      await until('the push is in flight', () => borealis.pushes.length === 1);
      await until('the checkpoint, the push still unanswered', async () => (await store.latestCheckpoint('avalon'))?.size === 1);
      assert.equal(borealis.pushes.length, 1, 'the push was still in flight');
    } finally {
      borealis.releaseAll();
      await node.stop();
    }
  });
});
