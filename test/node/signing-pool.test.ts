/**
 * The signing threads must sign exactly what the event loop would have signed: the same signature, leaf and hash
 * for every statement, in order, whatever the statements hold and however the group is split; and a thread that
 * dies fails only the call it held, not the node.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { hashStatement, signStatement, type UnsignedStatement } from '../../src/protocol/statement.js';
import { POOL_MIN_GROUP, SigningPool, SigningPoolError } from '../../src/node/signing-pool.js';
import { AGREEMENT_ID, partyKey } from '../support/case-builder.js';

const key = partyKey(0);

function unsigned(index: number, body: Record<string, unknown>): UnsignedStatement {
  return {
    v: 1, agreement: AGREEMENT_ID, author: 'avalon', index, time: '2026-11-23T03:00:00.000Z', to: ['borealis'],
    type: 'notification', case: `avalon:2026-${String(index).padStart(4, '0')}`, refs: [], body,
  };
}

/** Bodies as users write them: any JSON object, strings in any script (well formed), integers and fractions. */
const body = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => !Object.is(v, -0)),
  { maxKeys: 6 },
);

function sameAsInline(statements: UnsignedStatement[], signed: ReturnType<typeof signStatement>[]): void {
  assert.equal(signed.length, statements.length);
  statements.forEach((s, i) => {
    const inline = signStatement(s, key);
    const got = signed[i]!;
    assert.equal(got.hash, inline.hash, `statement ${i}`);
    assert.deepEqual(got.statement, inline.statement);
    assert.deepEqual([...got.leaf], [...inline.leaf]);
    assert.deepEqual([...got.leafHash], [...inline.leafHash]);
    assert.equal(hashStatement(got.statement).hash, got.hash, 'the leaf is the signed statement\'s JCS');
  });
}

describe('the signing pool', () => {
  const pools = [new SigningPool(key, 1), new SigningPool(key, 2), new SigningPool(key, 3)];
  after(() => Promise.all(pools.map((p) => p.close())));

  it('signs every group exactly as the event loop would, in order, with one, two or three threads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 3 * POOL_MIN_GROUP }), fc.integer({ min: 0, max: 2 }), async (bodies, p) => {
        const statements = bodies.map((b, i) => unsigned(1000 + i, b));
        sameAsInline(statements, await pools[p]!.sign(statements));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps many calls in flight apart', async () => {
    const groups = Array.from({ length: 6 }, (_, g) => Array.from({ length: POOL_MIN_GROUP + g }, (_, i) => unsigned(g * 100 + i, { g, i })));
    const results = await Promise.all(groups.map((group) => pools[1]!.sign(group)));
    groups.forEach((group, g) => sameAsInline(group, results[g]!));
  });

  it('fails the calls a stopped thread held with a SigningPoolError, and signs again with new threads', async () => {
    const pool = new SigningPool(key, 2);
    const statements = Array.from({ length: 4 * POOL_MIN_GROUP }, (_, i) => unsigned(i, { i }));
    await pool.sign(statements); // the threads are running
    const held = assert.rejects(pool.sign(statements), SigningPoolError);
    await pool.close();
    await held;
    sameAsInline(statements, await pool.sign(statements));
    await pool.close();
  });
});
