import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { systemClock } from '../../src/node/clock.js';
import type { PeerRequest, PeerResponse, PeerTransport } from '../../src/node/node-context.js';
import { PartyNode } from '../../src/node/party-node.js';
import type { StoreWrites } from '../../src/storage/store.js';
import { Logs, makeAgreement, partyKey } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';
import { until } from './core-network.js';

const agreement = makeAgreement(['avalon', 'borealis']);

/** Borealis as a transport that records avalon's pushes and acknowledges them (it answers nothing else). */
class RecordedPushes implements PeerTransport {
  readonly party = 'borealis';
  /** The types of the statements of each push, in order. */
  readonly pushes: string[][] = [];

  async request(req: PeerRequest): Promise<PeerResponse> {
    if (req.method !== 'POST' || !req.path.endsWith('/statements')) return { status: 503, headers: {}, text: 'not now' };
    const statements = (JSON.parse(String(req.body)) as { statements: Array<{ index: number; type: string }> }).statements;
    this.pushes.push(statements.map((s) => s.type));
    return { status: 200, headers: {}, text: JSON.stringify({ size: statements.at(-1)!.index + 1, receipts: [] }) };
  }

  async close(): Promise<void> {}
}

/** A store whose writes of borealis's statements wait, while `hold` is set, until the test lets them through. */
class GatedStore extends MemoryStore {
  hold: Promise<void> | undefined;

  override async write(writes: StoreWrites): Promise<void> {
    if (this.hold && writes.statements?.some((s) => s.author === 'borealis')) await this.hold;
    return super.write(writes);
  }
}

describe('pushes of own receipts alone', () => {
  it('wait while a push is being answered, and go together once the pushes have settled', async () => {
    const store = new GatedStore();
    const borealis = new RecordedPushes();
    const node = await PartyNode.open({
      party: 'avalon', agreement, signingKey: partyKey(0), store, clock: systemClock, logger: pino({ level: 'silent' }),
      peers: new Map([['borealis', borealis]]), delivery: { receiptDelayMs: 20 },
    });
    await node.start();
    const logs = new Logs(agreement);
    const notification = () => logs.say('borealis', { type: 'communication-check', time: new Date().toISOString(), body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });
    let release = (): void => undefined;
    try {
      const first = await node.receiving.push('borealis', 'borealis', { statements: [notification().statement] });
      assert.equal(first.receipts.length, 1);
      // A second push is being answered (its transaction waits) well past the receipts' delay.
      store.hold = new Promise((r) => (release = r));
      const second = node.receiving.push('borealis', 'borealis', { statements: [notification().statement] });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(borealis.pushes, [], 'no push of receipts while a push is being answered');
      release();
      assert.equal((await second).receipts.length, 1);
      await until('the receipts pushed', () => borealis.pushes.length > 0);
      assert.deepEqual(borealis.pushes, [['receipt', 'receipt']], 'both receipts in one push');
    } finally {
      release();
      await node.stop();
    }
  });
});
