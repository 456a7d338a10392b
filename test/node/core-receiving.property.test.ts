/**
 * The receiving state machine under any order of pushes: random ranges of the author's log, repeated, reordered,
 * with gaps. Whatever arrives, the mirror is always a prefix of the author's log, a gap is answered with the size
 * the mirror has, and every statement addressed to this party gets exactly one receipt — the same one each time.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino } from 'pino';
import { systemClock } from '../../src/node/clock.js';
import type { PeerTransport } from '../../src/node/node-context.js';
import { PartyNode } from '../../src/node/party-node.js';
import { Refusal } from '../../src/node/refusal.js';
import { hashStatement, signStatement, type HashedStatement, type Statement } from '../../src/protocol/statement.js';
import { makeAgreement, partyKey, t } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';

const PARTIES = ['avalon', 'borduria', 'carpathia'];
const agreement = makeAgreement(PARTIES);
const LOG_SIZE = 12;

/** avalon's log: communication checks, some to borduria (the receiver here), some only to carpathia. */
const log: HashedStatement[] = Array.from({ length: LOG_SIZE }, (_, index) =>
  signStatement({
    v: 1, agreement: agreement.id, author: 'avalon', index, time: t(index), to: index % 3 === 2 ? ['carpathia'] : ['borduria', 'carpathia'].slice(0, 1 + (index % 2)),
    type: 'communication-check', case: null, refs: [], body: { nonce: `${index}`.padStart(32, '0'), scheduled: true },
  }, partyKey(0)));
const addressedToBorduria = log.filter((h) => h.statement.to.includes('borduria')).map((h) => h.statement.index);

const unreachable = (party: string): PeerTransport => ({
  party, request: () => Promise.reject(new Error('not in this test')), close: async () => undefined,
});

async function receiver(): Promise<PartyNode> {
  const peers = new Map(['avalon', 'carpathia'].map((p) => [p, unreachable(p)]));
  return PartyNode.open({ party: 'borduria', agreement, signingKey: partyKey(1), store: new MemoryStore(), clock: systemClock, logger: pino({ level: 'silent' }), peers });
}

const push = fc.record({ from: fc.nat(LOG_SIZE - 1), count: fc.integer({ min: 1, max: 4 }) });

it('any sequence of pushes keeps the mirror a prefix of the author\'s log and receipts each addressed statement exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(push, { maxLength: 25 }), async (pushes) => {
      const node = await receiver();
      const receiptOf = new Map<number, string>(); // index → hash of the receipt first returned for it
      let size = 0;
      const deliver = async (from: number, count: number): Promise<void> => {
        const batch = log.slice(from, from + count);
        try {
          const answer = await node.receiving.push('avalon', 'avalon', { statements: batch.map((h) => h.statement) });
          assert.ok(from <= size, `a push from ${from} onto a mirror of ${size} must be refused`);
          size = Math.max(size, from + batch.length);
          assert.equal(answer.size, size);
          const receipted = answer.receipts.map((r: Statement) => r.refs[0]!.index);
          assert.deepEqual([...receipted].sort((a, b) => a - b), batch.map((h) => h.statement.index).filter((i) => addressedToBorduria.includes(i)));
          for (const r of answer.receipts) {
            const hash = hashStatement(r).hash;
            const first = receiptOf.get(r.refs[0]!.index);
            if (first === undefined) receiptOf.set(r.refs[0]!.index, hash);
            else assert.equal(hash, first, 'a repeated push returns the receipt already issued');
          }
        } catch (e) {
          if (!(e instanceof Refusal)) throw e;
          assert.equal(e.rule, 'log.gap');
          assert.ok(from > size);
          assert.equal(e.details.expected, size);
        }
        assert.equal(node.ctx.tree('avalon').size, size);
      };
      for (const p of pushes) await deliver(p.from, p.count);
      for (let from = size; from < LOG_SIZE; from += 4) await deliver(from, 4); // then the rest, in order

      const mirrored = await node.store.statements('avalon', 0, LOG_SIZE + 1);
      assert.deepEqual(mirrored.map((s) => s.hash), log.map((h) => h.hash));
      const issued = await node.store.receipts('avalon');
      assert.deepEqual(issued.map((r) => r.index), addressedToBorduria);
      assert.equal(await node.store.logSize('borduria'), addressedToBorduria.length, 'one receipt statement per addressed statement');
      assert.deepEqual((await node.evidence()).length, 0);
    }),
    { numRuns: 150 },
  );
});
