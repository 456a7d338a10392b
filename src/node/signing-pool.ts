/**
 * Signing own statements on other cores. An Ed25519 signature with its canonical JSON costs about as much CPU as
 * everything else an append does on the event loop; when many sends arrive together, the own log hands their
 * signing to these threads, and the event loop writes one group while the threads sign the next.
 *
 * Few statements at a time are signed where they are: a thread hop costs more than it saves, and a statement sent
 * alone should not wait for one. The threads start on the first large group, not before (most nodes never see one),
 * and never keep the process alive by themselves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SigningKey } from '../protocol/keys.js';
import { signStatement, withSignatureParts, type HashedStatement, type UnsignedStatement } from '../protocol/statement.js';

/** A run of statements for one thread: their JSON array, each already checked as signStatement would. */
export interface SigningJob {
  id: number;
  statements: string;
}

/** The signatures, the leaves packed end to end (leaf i ends at ends[i]), and the 32-byte leaf hashes packed. */
export type SigningResult =
  | { id: number; sigs: string[]; leaves: Uint8Array; ends: number[]; hashes: Uint8Array }
  | { id: number; error: string };

/** A signing thread failed or stopped: the statements it held were not signed. */
export class SigningPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningPoolError';
  }
}

/** Groups smaller than this are signed on the calling thread. */
export const POOL_MIN_GROUP = 8;

/**
 * One signing thread per core, at most four: while they sign a group, the event loop mostly waits for them or for
 * the disk, so they need not leave it a core of its own.
 */
export function defaultSigningThreads(): number {
  return Math.min(4, availableParallelism());
}

interface Pending {
  statements: UnsignedStatement[];
  resolve: (signed: HashedStatement[]) => void;
  reject: (e: Error) => void;
}

class SigningThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  failed: Error | undefined;

  constructor(key: SigningKey) {
    this.worker = new Worker(new URL('./signing-worker.js', import.meta.url), { workerData: { seed: key.seed } });
    this.worker.on('message', (r: SigningResult) => this.settle(r));
    this.worker.on('error', (e) => this.fail(new SigningPoolError(`a signing thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.fail(new SigningPoolError(`a signing thread stopped (exit code ${code})`)));
    this.worker.unref(); // idle: see sign() and settle(); after the listeners, as adding one refs the thread again
  }

  sign(statements: UnsignedStatement[]): Promise<HashedStatement[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref(); // the process must not end while a job is under way
      this.pending.set(id, { statements, resolve, reject });
      this.worker.postMessage({ id, statements: JSON.stringify(statements) } satisfies SigningJob);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new SigningPoolError('the signing threads were stopped');
    await this.worker.terminate();
  }

  private settle(r: SigningResult): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in r) p.reject(new SigningPoolError(`a signing thread refused a statement: ${r.error}`));
    else p.resolve(p.statements.map((s, i) => withSignatureParts(s, {
      sig: r.sigs[i]!,
      leaf: r.leaves.subarray(i === 0 ? 0 : r.ends[i - 1], r.ends[i]),
      leafHash: r.hashes.subarray(32 * i, 32 * i + 32),
    })));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }
}

export class SigningPool {
  private threads: SigningThread[] = [];

  constructor(private readonly key: SigningKey, private readonly size = defaultSigningThreads()) {}

  /**
   * Signs `statements` in order: inline when there are few, else split into consecutive runs, one per thread.
   * Each must already pass checkEnvelope and checkJson (a thread refuses nothing it is given; a failure there fails
   * the whole call). A thread that failed is replaced on the next call.
   */
  async sign(statements: UnsignedStatement[]): Promise<HashedStatement[]> {
    if (statements.length < POOL_MIN_GROUP || this.size < 1) return statements.map((s) => signStatement(s, this.key));
    const threads = this.running();
    const per = Math.ceil(statements.length / threads.length);
    const runs: Promise<HashedStatement[]>[] = [];
    for (let i = 0; i * per < statements.length; i++) runs.push(threads[i]!.sign(statements.slice(i * per, (i + 1) * per)));
    return (await Promise.all(runs)).flat();
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.close()));
  }

  private running(): SigningThread[] {
    this.threads = this.threads.filter((t) => !t.failed);
    while (this.threads.length < this.size) this.threads.push(new SigningThread(this.key));
    return this.threads;
  }
}
