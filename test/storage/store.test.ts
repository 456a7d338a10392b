import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import {
  type ApiToken,
  type DeliveryState,
  type Evidence,
  type StoredCheckpoint,
  type StoredReceipt,
  type StoreWrites,
  StoreConflictError,
} from '../../src/storage/store.js';
import { forEachStore } from '../support/stores.js';
import { fakeRun, fakeStatement, sha256Hex } from './fake-statements.js';

const T0 = '2026-11-23T10:00:00.000Z';

function conflict(rule: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof StoreConflictError, `expected StoreConflictError, got ${String(err)}`);
    assert.equal(err.rule, rule);
    return true;
  };
}

function bytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function checkpoint(log: string, size: number, root: string, seenFrom: string, storedAt = T0): StoredCheckpoint {
  return { log, size, root: root.repeat(64).slice(0, 64), note: `${log}\n${size}\n${root}\n\n— sig\n`, seenFrom, storedAt };
}

function receipt(author: string, index: number, party: string, receiptIndex: number): StoredReceipt {
  const text = JSON.stringify({ receipt: { author, index }, party, receiptIndex });
  return { author, index, party, receiptIndex, receiptHash: sha256Hex(text), text, storedAt: T0 };
}

forEachStore('store', (makeStore) => {
  it('starts empty', async () => {
    const store = await makeStore();
    assert.equal(await store.logSize('avalon'), 0);
    assert.deepEqual(await store.logSizes(), {});
    assert.deepEqual(await store.leafHashes('avalon'), []);
    assert.deepEqual(await store.statementsOfCase(), []);
    assert.equal(await store.latestCheckpoint('avalon'), undefined);
    assert.equal(await store.witnessRecord('avalon'), undefined);
    assert.deepEqual(await store.deliveries(), []);
    assert.deepEqual(await store.evidence(), []);
    assert.deepEqual(await store.tokens(), []);
    assert.equal(await store.setting('anything'), undefined);
  });

  it('migrates again without harm', async () => {
    const store = await makeStore();
    await store.write({ statements: [fakeStatement('avalon', 0)] });
    await store.migrate();
    assert.equal(await store.logSize('avalon'), 1);
  });

  it('appends contiguously and reads statements back as written', async () => {
    const store = await makeStore();
    const log = fakeRun('avalon', 0, 5, { caseId: 'case-1' });
    await store.write({ statements: log.slice(0, 2) });
    await store.write({ statements: log.slice(2) });
    await store.write({ statements: fakeRun('borduria', 0, 2) });
    assert.equal(await store.logSize('avalon'), 5);
    assert.deepEqual(await store.logSizes(), { avalon: 5, borduria: 2 });
    assert.deepEqual(await store.statements('avalon', 0, 5), log);
    assert.deepEqual(await store.statements('avalon', 1, 3), log.slice(1, 3));
    assert.deepEqual(await store.statements('avalon', 3, 99), log.slice(3));
    // "To the end" as callers write it.
    assert.deepEqual(await store.statements('avalon', 2, Number.MAX_SAFE_INTEGER), log.slice(2));
    assert.deepEqual(await store.statements('avalon', 4, Infinity), log.slice(4));
    assert.equal(await store.statement('avalon', Number.MAX_SAFE_INTEGER), undefined);
    assert.deepEqual(await store.receipts('avalon', Number.MAX_SAFE_INTEGER), []);
    assert.deepEqual(await store.cosignatures('avalon', Number.MAX_SAFE_INTEGER), []);
    assert.deepEqual(await store.statement('avalon', 4), log[4]);
    assert.equal(await store.statement('avalon', 5), undefined);
    assert.deepEqual(await store.statementByHash(log[2]!.hash), log[2]);
    assert.equal(await store.statementByHash('0'.repeat(64)), undefined);
    assert.deepEqual(await store.leafHashes('avalon'), log.map((s) => bytes(s.hash)));
  });

  it('refuses a gap, and a write refused leaves nothing', async () => {
    const store = await makeStore();
    await assert.rejects(store.write({ statements: [fakeStatement('avalon', 1)] }), conflict('log.gap'));
    await store.write({ statements: fakeRun('avalon', 0, 2) });
    await assert.rejects(store.write({ statements: [fakeStatement('avalon', 3)] }), conflict('log.gap'));
    assert.equal(await store.logSize('avalon'), 2);
  });

  it('refuses a second statement at a taken index, also within one write', async () => {
    const store = await makeStore();
    await store.write({ statements: fakeRun('avalon', 0, 3) });
    await assert.rejects(store.write({ statements: [fakeStatement('avalon', 1, { tag: 'other' })] }), conflict('log.index-taken'));
    const twice = [fakeStatement('avalon', 3), fakeStatement('avalon', 3, { tag: 'other' })];
    await assert.rejects(store.write({ statements: twice }), conflict('log.index-taken'));
    assert.equal(await store.logSize('avalon'), 3);
    assert.equal(await store.statement('avalon', 3), undefined);
  });

  it('lets exactly one of concurrent writes at one index win, the others refused as conflicts', async () => {
    const store = await makeStore();
    const authors = ['avalon', 'borduria', 'carpania', 'dorado'];
    const attempts = authors.flatMap((author) => [1, 2, 3].map((n) => ({ author, statement: fakeStatement(author, 0, { tag: `writer ${n}` }) })));
    const outcomes = await Promise.allSettled(attempts.map((a) => store.write({ statements: [a.statement] })));
    for (const author of authors) {
      const mine = outcomes.filter((_, i) => attempts[i]!.author === author);
      assert.equal(mine.filter((o) => o.status === 'fulfilled').length, 1, author);
      for (const o of mine) if (o.status === 'rejected') conflict('log.index-taken')(o.reason);
      const winner = attempts.find((a, i) => a.author === author && outcomes[i]!.status === 'fulfilled')!;
      assert.deepEqual(await store.statements(author, 0, 10), [winner.statement]);
    }
  });

  it('rolls back the whole write when one statement in it is refused', async () => {
    const store = await makeStore();
    const writes: StoreWrites = {
      statements: [fakeStatement('avalon', 0), fakeStatement('borduria', 0), fakeStatement('borduria', 2)],
      checkpoints: [checkpoint('avalon', 1, 'a', 'avalon')],
      receipts: [receipt('avalon', 0, 'borduria', 0)],
      evidence: [{ kind: 'gap', party: 'borduria', reportedBy: 'borduria', summary: 's', material: {}, storedAt: T0 }],
      witness: [{ log: 'borduria', size: 1, root: 'b'.repeat(64), note: 'n' }],
      deliveries: [{ peer: 'borduria', ackedSize: 1, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: T0 }],
      settings: { 'agreement.version': '1' },
    };
    await assert.rejects(store.write(writes), conflict('log.gap'));
    assert.deepEqual(await store.logSizes(), {});
    assert.deepEqual(await store.checkpoints('avalon'), []);
    assert.deepEqual(await store.receipts('avalon'), []);
    assert.deepEqual(await store.evidence(), []);
    assert.equal(await store.witnessRecord('borduria'), undefined);
    assert.deepEqual(await store.deliveries(), []);
    assert.equal(await store.setting('agreement.version'), undefined);
    // The same write without the bad statement goes through whole.
    await store.write({ ...writes, statements: writes.statements!.slice(0, 2) });
    assert.deepEqual(await store.logSizes(), { avalon: 1, borduria: 1 });
    assert.equal(await store.setting('agreement.version'), '1');
  });

  it('keeps statement hashes unique across logs and within a write', async () => {
    const store = await makeStore();
    const first = fakeStatement('avalon', 0);
    await store.write({ statements: [first] });
    const copy = { ...fakeStatement('borduria', 0), hash: first.hash };
    await assert.rejects(store.write({ statements: [copy] }), conflict('statement.hash-taken'));
    const twin = { ...fakeStatement('borduria', 1), hash: fakeStatement('borduria', 0).hash };
    await assert.rejects(store.write({ statements: [fakeStatement('borduria', 0), twin] }), conflict('statement.hash-taken'));
    assert.equal(await store.logSize('borduria'), 0);
  });

  it('orders statements of a case, of a type, and all of them by (time, author, index)', async () => {
    const store = await makeStore();
    const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const b0 = fakeStatement('borduria', 0, { caseId: 'c1', type: 'report', time: at(5) });
    const b1 = fakeStatement('borduria', 1, { caseId: 'c2', type: 'ack', time: at(1) });
    const b2 = fakeStatement('borduria', 2, { caseId: 'c1', type: 'ack', time: at(7) });
    const a0 = fakeStatement('avalon', 0, { caseId: 'c1', type: 'ack', time: at(5) });
    const a1 = fakeStatement('avalon', 1, { caseId: null, type: 'report', time: at(5) });
    const a2 = fakeStatement('avalon', 2, { caseId: 'c1', type: 'report', time: at(2) });
    await store.write({ statements: [b0, b1, b2, a0, a1, a2] });
    assert.deepEqual(await store.statementsOfCase('c1'), [a2, a0, b0, b2]);
    assert.deepEqual(await store.statementsOfCase('c2'), [b1]);
    assert.deepEqual(await store.statementsOfCase('none'), []);
    assert.deepEqual(await store.statementsOfCase(), [b1, a2, a0, a1, b0, b2]);
    assert.deepEqual(await store.statementsOfType(['report']), [a2, a1, b0]);
    assert.deepEqual(await store.statementsOfType(['report', 'ack']), [b1, a2, a0, a1, b0, b2]);
    assert.deepEqual(await store.statementsOfType([]), []);
  });

  it('keeps every distinct checkpoint seen, the first sighting of each, and finds the latest', async () => {
    const store = await makeStore();
    const c1 = checkpoint('avalon', 1, 'a', 'avalon', '2026-11-23T10:00:00.000Z');
    const c2 = checkpoint('avalon', 2, 'b', 'avalon', '2026-11-23T10:01:00.000Z');
    const fork = checkpoint('avalon', 2, 'c', 'borduria', '2026-11-23T10:02:00.000Z');
    await store.write({ checkpoints: [c1, c2] });
    await store.write({ checkpoints: [fork, { ...c2, seenFrom: 'borduria', storedAt: '2026-11-23T10:03:00.000Z' }] });
    await store.write({ checkpoints: [checkpoint('borduria', 7, 'd', 'borduria')] });
    assert.deepEqual(await store.checkpoints('avalon'), [c1, c2, fork]);
    assert.deepEqual(await store.latestCheckpoint('avalon'), c2);
    assert.equal((await store.latestCheckpoint('borduria'))?.size, 7);
  });

  it('keeps cosignatures per (log, size, witness), the first line of each', async () => {
    const store = await makeStore();
    const line = (witness: string, size: number) => `— ${witness} cosig-of-${size}`;
    await store.write({
      cosignatures: [
        { log: 'avalon', size: 2, witness: 'carpania', line: line('carpania', 2) },
        { log: 'avalon', size: 1, witness: 'borduria', line: line('borduria', 1) },
        { log: 'avalon', size: 2, witness: 'borduria', line: line('borduria', 2) },
        { log: 'borduria', size: 2, witness: 'avalon', line: line('avalon', 2) },
      ],
    });
    await store.write({ cosignatures: [{ log: 'avalon', size: 2, witness: 'borduria', line: 'a later line' }] });
    assert.deepEqual(
      (await store.cosignatures('avalon')).map((c) => [c.size, c.witness, c.line]),
      [
        [1, 'borduria', line('borduria', 1)],
        [2, 'borduria', line('borduria', 2)],
        [2, 'carpania', line('carpania', 2)],
      ],
    );
    assert.deepEqual(await store.cosignatures('avalon', 1), [{ log: 'avalon', size: 1, witness: 'borduria', line: line('borduria', 1) }]);
    assert.deepEqual(await store.cosignatures('avalon', 3), []);
  });

  it('replaces the witness record of a log', async () => {
    const store = await makeStore();
    const first = { log: 'borduria', size: 3, root: 'a'.repeat(64), note: 'note 3' };
    const next = { log: 'borduria', size: 5, root: 'b'.repeat(64), note: 'note 5' };
    await store.write({ witness: [first, { log: 'carpania', size: 1, root: 'c'.repeat(64), note: 'c1' }] });
    assert.deepEqual(await store.witnessRecord('borduria'), first);
    await store.write({ witness: [next] });
    assert.deepEqual(await store.witnessRecord('borduria'), next);
    assert.equal((await store.witnessRecord('carpania'))?.size, 1);
  });

  it('replaces the delivery state of a peer and lists peers in order', async () => {
    const store = await makeStore();
    const failing: DeliveryState = {
      peer: 'carpania',
      ackedSize: 0,
      attempts: 3,
      nextAttemptAt: '2026-11-23T10:05:00.000Z',
      lastError: 'connect ECONNREFUSED',
      lastSuccessAt: null,
    };
    const ok: DeliveryState = { peer: 'borduria', ackedSize: 4, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: T0 };
    await store.write({ deliveries: [failing, ok] });
    assert.deepEqual(await store.deliveries(), [ok, failing]);
    const recovered = { ...failing, ackedSize: 4, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: T0 };
    await store.write({ deliveries: [recovered] });
    assert.deepEqual(await store.delivery('carpania'), recovered);
    assert.equal(await store.delivery('nobody'), undefined);
  });

  it('stores receipts both ways and looks them up by statement, in (index, party) order', async () => {
    const store = await makeStore();
    const received = [receipt('avalon', 1, 'carpania', 9), receipt('avalon', 0, 'carpania', 8), receipt('avalon', 1, 'borduria', 4)];
    const issued = receipt('borduria', 0, 'avalon', 2);
    await store.write({ receipts: [...received, issued] });
    assert.deepEqual(await store.receipts('avalon'), [received[1], received[2], received[0]]);
    assert.deepEqual(await store.receipts('avalon', 1), [received[2], received[0]]);
    assert.deepEqual(await store.receipts('avalon', 2), []);
    assert.deepEqual(await store.receipt('borduria', 0, 'avalon'), issued);
    assert.equal(await store.receipt('borduria', 0, 'carpania'), undefined);
    // The same receipt again is nothing new; a different one for the same statement is refused.
    await store.write({ receipts: [issued] });
    await assert.rejects(store.write({ receipts: [receipt('borduria', 0, 'avalon', 3)] }), conflict('receipt.taken'));
    assert.deepEqual(await store.receipt('borduria', 0, 'avalon'), issued);
  });

  it('keeps evidence in the order it was stored, material intact', async () => {
    const store = await makeStore();
    const fork: Evidence = {
      kind: 'fork',
      party: 'borduria',
      reportedBy: 'carpania',
      summary: 'two roots at size 2',
      material: { notes: ['n1', 'n2'], size: 2, nested: { ok: true, none: null } },
      storedAt: T0,
    };
    const forged: Evidence = { kind: 'forged-statement', party: 'borduria', reportedBy: 'borduria', summary: 'bad sig', material: 'raw text', storedAt: T0 };
    await store.write({ evidence: [fork] });
    await store.write({ evidence: [forged] });
    const kept = await store.evidence();
    assert.deepEqual(
      kept.map(({ id: _id, ...rest }) => rest),
      [fork, forged],
    );
    assert.ok(kept[0]!.id! < kept[1]!.id!, 'ids grow in storing order');
  });

  it('registers tokens once and finds them by hash', async () => {
    const store = await makeStore();
    const alice: ApiToken = { tokenHash: sha256Hex('alice-token'), name: 'alice', role: 'duty-officer', createdAt: T0 };
    const bob: ApiToken = { tokenHash: sha256Hex('bob-token'), name: 'bob', role: 'admin', createdAt: '2026-11-23T09:00:00.000Z' };
    await store.addToken(alice);
    await store.addToken(bob);
    assert.deepEqual(await store.tokenByHash(alice.tokenHash), alice);
    assert.equal(await store.tokenByHash(sha256Hex('unknown')), undefined);
    assert.deepEqual(await store.tokens(), [bob, alice]);
    await assert.rejects(store.addToken({ ...alice, name: 'mallory' }), conflict('token.taken'));
    assert.deepEqual(await store.tokenByHash(alice.tokenHash), alice);
  });

  it('sets and overwrites settings', async () => {
    const store = await makeStore();
    await store.write({ settings: { a: '1', b: 'two' } });
    await store.write({ settings: { a: '3' } });
    assert.equal(await store.setting('a'), '3');
    assert.equal(await store.setting('b'), 'two');
    assert.equal(await store.setting('c'), undefined);
  });

  it('reads a log larger than one page of leaf hashes in order', async () => {
    const store = await makeStore();
    const log = fakeRun('avalon', 0, 10_050);
    for (let i = 0; i < log.length; i += 2_000) await store.write({ statements: log.slice(i, i + 2_000) });
    const leaves = await store.leafHashes('avalon');
    assert.equal(leaves.length, log.length);
    assert.ok(log.every((s, i) => Buffer.from(leaves[i]!).toString('hex') === s.hash));
    assert.deepEqual(await store.statements('avalon', 9_999, 10_001), log.slice(9_999, 10_001));
  });

  it('leaves each log equal to the model: the contiguous appends, none of the refused ones', async () => {
    const store = await makeStore();
    const authors = ['a', 'b', 'c'];
    const part = fc.record({
      author: fc.constantFrom(...authors),
      offset: fc.constantFrom(-1, 0, 0, 0, 1),
      count: fc.integer({ min: 1, max: 3 }),
      duplicate: fc.option(fc.nat(), { freq: 4 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(part, { minLength: 1, maxLength: 2 }), { maxLength: 12 }), async (writes) => {
        const prefix = `run${++run}-`;
        const model = new Map<string, string[]>(authors.map((a) => [prefix + a, []]));
        let tag = 0;
        for (const parts of writes) {
          const next = new Map([...model].map(([a, hashes]) => [a, [...hashes]]));
          const statements = [];
          let valid = true;
          for (const p of parts) {
            const author = prefix + p.author;
            const log = next.get(author)!;
            const from = Math.max(0, log.length + p.offset);
            const run = fakeRun(author, from, p.count, { tag: `${prefix}${++tag}` });
            const known = [...next.values()].flat();
            if (p.duplicate !== null && known.length > 0) run[run.length - 1]!.hash = known[p.duplicate % known.length]!;
            valid &&= from === log.length && (p.duplicate === null || known.length === 0);
            log.push(...run.map((s) => s.hash));
            statements.push(...run);
          }
          const outcome = await store.write({ statements }).then(
            () => 'stored',
            (err: unknown) => {
              if (!(err instanceof StoreConflictError)) throw err;
              return 'refused';
            },
          );
          assert.equal(outcome, valid ? 'stored' : 'refused');
          if (valid) for (const [a, hashes] of next) model.set(a, hashes);
        }
        for (const [author, hashes] of model) {
          assert.equal(await store.logSize(author), hashes.length);
          assert.deepEqual(
            (await store.leafHashes(author)).map((h) => Buffer.from(h).toString('hex')),
            hashes,
          );
          assert.deepEqual((await store.statements(author, 0, hashes.length)).map((s) => s.hash), hashes);
        }
      }),
      { numRuns: 40 },
    );
  });
});
