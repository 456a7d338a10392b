/**
 * Making SQLite commits durable without blocking the event loop.
 *
 * With `synchronous = FULL`, better-sqlite3 fsyncs the write-ahead log inside COMMIT, on the event loop: for the
 * ~0.2–0.5 ms the disk takes, the node can neither answer a peer nor sign the next statements. So the connection
 * commits with `synchronous = NORMAL` (the WAL frames are written to the OS, which already survives kill -9), and
 * the node then fdatasyncs the WAL file on libuv's thread pool before it tells anyone the write happened. Callers
 * that arrive while a sync is running share the next one (group commit): one fdatasync covers every commit written
 * before it began.
 *
 * Why one file handle is enough: fdatasync flushes the file (the inode), whichever descriptor names it, and SQLite
 * deletes the WAL only when the last connection closes, which this store's connection does only in close(). A
 * checkpoint that copies WAL frames into the database file syncs both itself under NORMAL before the WAL is reused.
 *
 * A failed fdatasync is not retried: after an I/O error the kernel may have dropped the dirty pages, so a second
 * call could "succeed" over lost data (PostgreSQL's fsync lesson). The store refuses every later write instead,
 * and the operator restarts the node once the disk is healthy.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Flushes one file's data to the disk. Replaceable in tests, to observe when a write is acknowledged. */
export type SyncFile = (handle: FileHandle) => Promise<void>;

/** The disk refused to flush the write-ahead log: nothing written since the last good sync is known to be durable. */
export class DurabilityError extends Error {
  constructor(readonly walPath: string, override readonly cause: unknown) {
    super(`could not flush ${walPath} to disk (${(cause as Error)?.message ?? String(cause)}): stop the node, check the disk, then start it again`);
    this.name = 'DurabilityError';
  }
}

export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private failure: DurabilityError | undefined;
  /** Set inside a transaction whose caller syncs after releasing the connection (or needs no sync). */
  private deferred = false;

  constructor(readonly walPath: string, private readonly syncFile: SyncFile = (h) => h.datasync()) {}

  /** A transaction begins or rolls back: a deferral made before belonged to another transaction. */
  resetDeferral(): void {
    this.deferred = false;
  }

  /** The transaction under way will not be synced at COMMIT: its caller calls sync() itself, or needs none. */
  deferCommit(): void {
    this.deferred = true;
  }

  /** At COMMIT (or after a write outside a transaction): must the connection wait for a sync now? */
  takeCommit(): boolean {
    const deferred = this.deferred;
    this.deferred = false;
    return !deferred;
  }

  /** Resolves once everything committed before the call is on the disk; rejects with DurabilityError if it cannot be. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.running === undefined) {
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // The sync under way may have begun before the caller's commit was written: wait for one that begins after.
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  /** Waits for a sync under way, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.sync();
  }

  private async syncOnce(): Promise<void> {
    try {
      this.handle ??= open(this.walPath, 'r');
      await this.syncFile(await this.handle);
    } catch (e) {
      this.failure ??= new DurabilityError(this.walPath, e);
      throw this.failure;
    }
  }
}
