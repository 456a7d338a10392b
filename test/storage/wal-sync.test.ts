/**
 * SQLite commits with synchronous = NORMAL and the store flushes the WAL itself, off the event loop (wal-sync.ts).
 * What a user would check: a write is acknowledged only after the disk has it — whoever wrote it (the core store,
 * a feature store, a migration) — refetchable writes do not wait for the disk, concurrent writes share flushes,
 * and a disk that refuses to flush stops the store rather than acknowledging writes it may lose.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import type { FileHandle } from 'node:fs/promises';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import { StoreConflictError, type Store } from '../../src/storage/store.js';
import { DurabilityError } from '../../src/storage/wal-sync.js';
import { tempDir } from '../support/temp.js';
import { fakeRun, fakeStatement } from './fake-statements.js';

const dir = tempDir('parley-wal-');
let files = 0;

/** A store whose WAL flushes are held until the test releases them, so it can see what waits for the disk. */
class HeldDisk {
  readonly flushes: { release: () => void; fail: (e: Error) => void }[] = [];
  started = 0;
  holding = true;
  readonly store: Store;

  constructor() {
    this.store = openSqliteStore(join(dir, `held-${++files}.db`), {
      syncFile: async (handle: FileHandle) => {
        this.started++;
        if (!this.holding) return handle.datasync();
        await new Promise<void>((release, fail) => this.flushes.push({ release, fail }));
        return handle.datasync();
      },
    });
  }

  releaseAll(): void {
    for (const f of this.flushes.splice(0)) f.release();
  }
}

async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

async function migrated(disk: HeldDisk): Promise<Store> {
  disk.holding = false;
  await disk.store.migrate();
  disk.holding = true;
  return disk.store;
}

it('a durable write resolves only after the WAL was flushed, and is committed meanwhile', async () => {
  const disk = new HeldDisk();
  const store = await migrated(disk);
  const before = disk.started;
  const write = store.write({ statements: fakeRun('avalon', 0, 3) });
  assert.equal(await settled(write), false, 'not acknowledged while the flush is held');
  assert.equal(disk.started, before + 1);
  assert.equal(await store.logSize('avalon'), 3, 'the transaction is committed and readable before the flush ends');
  disk.releaseAll();
  await write;
  await store.close();
});

it('refetchable writes do not wait for the disk; the next durable write flushes them with it', async () => {
  const disk = new HeldDisk();
  const store = await migrated(disk);
  const before = disk.started;
  await store.write({ deliveries: [{ peer: 'borduria', ackedSize: 0, attempts: 1, nextAttemptAt: null, lastError: null, lastSuccessAt: null }], refetchable: true });
  assert.equal(disk.started, before, 'no flush for a refetchable write');
  const write = store.write({ statements: [fakeStatement('avalon', 0)] });
  assert.equal(await settled(write), false);
  disk.releaseAll();
  await write;
  await store.close();
});

it('concurrent writes share flushes, and each waits for a flush that began after its commit', async () => {
  const disk = new HeldDisk();
  const store = await migrated(disk);
  const before = disk.started;
  const first = store.write({ statements: [fakeStatement('avalon', 0)] });
  await settled(first); // its flush is now running (held)
  const later = Array.from({ length: 10 }, (_, i) => store.write({ statements: [fakeStatement('borduria', i)] }));
  assert.equal(await settled(Promise.all(later)), false);
  disk.releaseAll(); // the first flush ends: it began before the later commits, so they must wait for another
  await first;
  assert.equal(await settled(Promise.all(later)), false, 'a flush begun before a commit does not acknowledge it');
  disk.releaseAll();
  await Promise.all(later);
  assert.equal(disk.started - before, 2, 'eleven writes, two flushes');
  await store.close();
});

it('writes outside the core store — feature stores, migrations, tokens — wait for the disk too', async () => {
  const disk = new HeldDisk();
  disk.holding = false;
  const store = disk.store;
  await store.migrate();
  assert.ok(disk.started > 0, 'the migration was flushed');
  disk.holding = true;
  const { db } = store.database;
  const insert = db.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
  assert.equal(await settled(insert), false, 'a write outside a transaction is flushed before it resolves');
  disk.releaseAll();
  await insert;
  const token = store.addToken({ tokenHash: 'a'.repeat(64), name: 'duty', role: 'duty-officer', createdAt: '2026-11-23T00:00:00.000Z' });
  assert.equal(await settled(token), false);
  disk.releaseAll();
  await token;
  await store.close();
});

it('a refused write leaves no deferred flush behind for the next one', async () => {
  const disk = new HeldDisk();
  const store = await migrated(disk);
  disk.holding = false;
  await store.write({ statements: [fakeStatement('avalon', 0)] });
  await assert.rejects(store.write({ statements: [fakeStatement('avalon', 5)] }), (e: unknown) => e instanceof StoreConflictError && e.rule === 'log.gap');
  disk.holding = true;
  const insert = store.database.db.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
  assert.equal(await settled(insert), false, 'the write after a rolled-back transaction is still flushed');
  disk.releaseAll();
  await insert;
  await store.close();
});

it('a disk that refuses to flush stops the store: that write and every later one are refused, naming the WAL', async () => {
  const disk = new HeldDisk();
  const store = await migrated(disk);
  const write = store.write({ statements: [fakeStatement('avalon', 0)] });
  await settled(write);
  disk.flushes.shift()!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  await assert.rejects(write, (e: unknown) => e instanceof DurabilityError && /held-\d+\.db-wal/.test(e.message) && /EIO/.test(e.message));
  disk.holding = false;
  await assert.rejects(store.write({ statements: [fakeStatement('avalon', 1)] }), DurabilityError);
  await store.close();
});

it('with the real disk, acknowledged writes are there after the store is reopened', async () => {
  const file = join(dir, 'real.db');
  const store = openSqliteStore(file);
  await store.migrate();
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.write({ statements: [fakeStatement(`p${i % 5}`, Math.floor(i / 5))] })));
  await store.close();
  const again = openSqliteStore(file);
  assert.deepEqual(await again.logSizes(), { p0: 10, p1: 10, p2: 10, p3: 10, p4: 10 });
  await again.close();
});
