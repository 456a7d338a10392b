/**
 * Refetchable writes (peers' receipts, delivery bookkeeping) commit without waiting for the disk; everything else
 * still does. What a user would check: the data is there, conflicts are still refused, and the durable level is
 * back for the next write whatever happened — a node that silently stopped fsyncing its own statements would lose
 * acknowledged statements on a power cut.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { StoreConflictError, type DeliveryState, type Store, type StoredReceipt } from '../../src/storage/store.js';
import { forEachStore, type StoreDriver } from '../support/stores.js';
import { fakeRun, sha256Hex } from './fake-statements.js';

const T0 = '2026-11-23T10:00:00.000Z';

function receipt(index: number, receiptIndex: number): StoredReceipt {
  const text = JSON.stringify({ receipt: { author: 'avalon', index }, party: 'borduria', receiptIndex });
  return { author: 'avalon', index, party: 'borduria', receiptIndex, receiptHash: sha256Hex(text), text, storedAt: T0 };
}

function delivery(ackedSize: number): DeliveryState {
  return { peer: 'borduria', ackedSize, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: T0 };
}

/** The durability level the next ordinary transaction commits with (PostgreSQL's synchronous_commit). */
async function commitLevel(store: Store): Promise<string> {
  const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(store.database.db);
  return rows[0]!.synchronous_commit;
}

/**
 * On PostgreSQL, that the level is `durable` again. SQLite has no level to lower — its store skips the WAL flush of
 * a refetchable write and flushes every other one — so there this checks nothing: test/storage/wal-sync.test.ts does.
 */
async function assertLevel(store: Store, driver: StoreDriver, durable: string, message?: string): Promise<void> {
  if (driver === 'postgres') assert.equal(await commitLevel(store), durable, message);
}

forEachStore('refetchable writes', (makeStore, driver) => {
  // The level ordinary writes commit with: the server's setting (the test server runs with fsync and
  // synchronous_commit off, for speed), which a refetchable write may lower only for itself.
  let durable = '';

  it('store what they carry, and leave the next write durable', async () => {
    const store = await makeStore();
    await store.write({ statements: fakeRun('avalon', 0, 2) });
    if (driver === 'postgres') durable = await commitLevel(store);
    await store.write({ receipts: [receipt(0, 0), receipt(1, 1)], deliveries: [delivery(2)], refetchable: true });
    await assertLevel(store, driver, durable, 'the durable level is back');
    assert.deepEqual((await store.receipts('avalon')).map((r) => r.index), [0, 1]);
    assert.equal((await store.delivery('borduria'))?.ackedSize, 2);
  });

  it('are refused like any write, and a refusal leaves the next write durable too', async () => {
    const store = await makeStore();
    if (driver === 'postgres') durable = await commitLevel(store);
    await store.write({ statements: fakeRun('avalon', 0, 1) });
    await store.write({ receipts: [receipt(0, 0)], refetchable: true });
    await assert.rejects(store.write({ receipts: [receipt(0, 7)], deliveries: [delivery(1)], refetchable: true }), (e: unknown) => e instanceof StoreConflictError && e.rule === 'receipt.taken');
    assert.equal((await store.delivery('borduria')), undefined, 'nothing of the refused write was kept');
    await assertLevel(store, driver, durable);
  });

  it('leave the level durable when they run among durable appends', async () => {
    const store = await makeStore();
    if (driver === 'postgres') durable = await commitLevel(store);
    const appends = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await store.write({ statements: fakeRun('avalon', i, 1) });
    };
    await Promise.all([appends(), ...Array.from({ length: 20 }, (_, i) => store.write({ deliveries: [delivery(i)], refetchable: true }))]);
    assert.equal(await store.logSize('avalon'), 20);
    await assertLevel(store, driver, durable);
  });
});
