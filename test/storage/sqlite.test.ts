import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { openStore } from '../../src/storage/open-store.js';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import type { StoreWrites } from '../../src/storage/store.js';
import { tempDir } from '../support/temp.js';
import { fakeRun, fakeStatement, sha256Hex } from './fake-statements.js';

const T0 = '2026-11-23T10:00:00.000Z';

describe('SQLite store file', () => {
  it('keeps everything when closed and opened again', async () => {
    const file = join(tempDir(), 'node.db');
    const writes: StoreWrites = {
      statements: [...fakeRun('avalon', 0, 3), ...fakeRun('borduria', 0, 2)],
      checkpoints: [{ log: 'avalon', size: 3, root: 'a'.repeat(64), note: 'note', seenFrom: 'avalon', storedAt: T0 }],
      cosignatures: [{ log: 'avalon', size: 3, witness: 'borduria', line: '— borduria sig' }],
      receipts: [{ author: 'avalon', index: 0, party: 'borduria', receiptIndex: 1, receiptHash: sha256Hex('r'), text: 'r', storedAt: T0 }],
      evidence: [{ kind: 'equivocation', party: 'borduria', reportedBy: 'carpania', summary: 'two notes', material: ['n1', 'n2'], storedAt: T0 }],
      witness: [{ log: 'borduria', size: 2, root: 'b'.repeat(64), note: 'note b' }],
      deliveries: [{ peer: 'borduria', ackedSize: 3, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: T0 }],
      settings: { 'node.party': 'avalon' },
    };
    const token = { tokenHash: sha256Hex('t'), name: 'ops', role: 'approver' as const, createdAt: T0 };

    const first = await openStore({ driver: 'sqlite', file });
    await first.write(writes);
    await first.addToken(token);
    await first.close();

    const again = await openStore({ driver: 'sqlite', file });
    try {
      assert.deepEqual(await again.logSizes(), { avalon: 3, borduria: 2 });
      assert.deepEqual(await again.statements('avalon', 0, 3), writes.statements!.slice(0, 3));
      assert.deepEqual(await again.checkpoints('avalon'), writes.checkpoints);
      assert.deepEqual(await again.cosignatures('avalon'), writes.cosignatures);
      assert.deepEqual(await again.receipts('avalon'), writes.receipts);
      assert.deepEqual((await again.evidence()).map(({ id: _id, ...e }) => e), writes.evidence);
      assert.deepEqual(await again.witnessRecord('borduria'), writes.witness![0]);
      assert.deepEqual(await again.deliveries(), writes.deliveries);
      assert.equal(await again.setting('node.party'), 'avalon');
      assert.deepEqual(await again.tokens(), [token]);
      // And the log goes on where it stopped.
      await again.write({ statements: [fakeStatement('avalon', 3)] });
      assert.equal(await again.logSize('avalon'), 4);
    } finally {
      await again.close();
    }
  });

  it('keeps every statement whose write() resolved when the writer is killed with SIGKILL', async () => {
    const file = join(tempDir(), 'node.db');
    const child = fileURLToPath(new URL('./durability-child.js', import.meta.url));
    let acknowledged: number[] = [];
    for (let round = 0; round < 4; round++) {
      acknowledged = acknowledged.concat(await appendUntilKilled(child, file, 20 + Math.floor(Math.random() * 300)));
      const store = openSqliteStore(file);
      try {
        const size = await store.logSize('avalon');
        assert.ok(acknowledged.length > 0 && size >= acknowledged.length, `round ${round}: ${acknowledged.length} acknowledged, ${size} stored`);
        const stored = await store.statements('avalon', 0, size);
        // Contiguous from 0, and each acknowledged index holds the very statement the writer wrote.
        assert.deepEqual(stored.map((s) => s.index), [...Array(size).keys()]);
        for (const index of acknowledged) assert.equal(stored[index]?.hash, fakeStatement('avalon', index).hash);
      } finally {
        await store.close();
      }
    }
  });

  it('lets two processes write the same file at once, each write whole', async () => {
    const file = join(tempDir(), 'node.db');
    const child = fileURLToPath(new URL('./durability-child.js', import.meta.url));
    const store = openSqliteStore(file);
    await store.migrate();
    try {
      // The other process appends to avalon's log without pause while this one appends to borduria's.
      const other = appendUntilKilled(child, file, 60_000);
      while ((await store.logSize('avalon')) < 10) await new Promise((r) => setTimeout(r, 10));
      const log = fakeRun('borduria', 0, 300);
      for (const s of log) await store.write({ statements: [s], settings: { last: String(s.index) } });
      const acknowledged = await stopWriter(other);
      assert.deepEqual((await store.statements('borduria', 0, 300)).map((s) => s.hash), log.map((s) => s.hash));
      assert.equal(await store.setting('last'), '299');
      assert.ok((await store.logSize('avalon')) >= acknowledged.length);
    } finally {
      await store.close();
    }
  });
});

const writers = new WeakMap<Promise<number[]>, () => void>();

/** Kills a writer started by appendUntilKilled now, rather than after its delay. */
function stopWriter(writer: Promise<number[]>): Promise<number[]> {
  writers.get(writer)?.();
  return writer;
}

/** Runs the writer until it has acknowledged some statements, SIGKILLs it `delayMs` later, returns what it printed. */
function appendUntilKilled(childScript: string, file: string, delayMs: number): Promise<number[]> {
  let kill = (): void => undefined;
  const done = new Promise<number[]>((resolve, reject) => {
    const writer = spawn(process.execPath, [childScript, file, 'avalon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    // A writer that never acknowledges anything is a failure, not a hang.
    const stalled = setTimeout(() => writer.kill('SIGKILL'), 30_000);
    writer.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      timer ??= setTimeout(() => writer.kill('SIGKILL'), delayMs);
    });
    writer.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    kill = () => writer.kill('SIGKILL');
    writer.on('error', reject);
    writer.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(stalled);
      if (out === '') return reject(new Error(`writer acknowledged nothing: ${err}`));
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (code ${code}): ${err}`));
      // A line cut by the kill was never completely printed: only whole lines count as acknowledged.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.map(Number));
    });
  });
  writers.set(done, kill);
  return done;
}
