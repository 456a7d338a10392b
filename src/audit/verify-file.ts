/**
 * `parley verify`: streams a log export in chunks of whole lines; reads and hashes each chunk on this thread,
 * sends its signature checks to worker threads, and feeds the results, in file order, to the pure LogAuditor.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { applyVerdicts, checkChunk, checkLine, lineOfChunk, packSignatures, readChunk, type LineResult, type PackedSignatures, type SignatureRequest, type SignatureResponse } from './line-check.js';
import { AuditFailure, LogAuditor, type AuditSummary } from '../protocol/log-audit.js';
import type { LogHeader } from '../protocol/log-export.js';

/** The input cannot be read at all, or is not a Parley log export (exit 2, not 1). */
export class UnreadableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}

/** Keys pinned by a signed agreement: every signing key each party has had, by party id. */
export type PinnedKeys = Record<string, string[]>;

export interface Progress {
  bytesRead: number;
  totalBytes: number;
  statements: number;
}

export interface VerifyOptions {
  /** Worker threads for the per-line work; 0 does everything on the calling thread. */
  workers: number;
  pinned?: PinnedKeys;
  onProgress?: (p: Progress) => void;
  /** About how many bytes of whole lines go to a worker at a time. */
  chunkBytes?: number;
}

interface Chunk {
  firstLine: number;
  text: string;
  done: Promise<LineResult[]>;
}

class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./verify-worker.js', import.meta.url));
      w.on('message', (m: SignatureResponse) => {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        waiter?.resolve(m.verdicts);
      });
      w.on('error', (e) => {
        // A worker that dies takes the whole audit with it: never report a partial audit as a pass.
        this.failure = e;
        for (const waiter of this.waiting.values()) waiter.reject(e);
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  verify(packed: PackedSignatures, key: string): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, packed, key } satisfies SignatureRequest, [packed.data.buffer as ArrayBuffer, packed.offsets.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function pinnedHeader(header: LogHeader, pinned: PinnedKeys | undefined, line: number): Record<string, string[]> {
  if (!pinned) return header.witnesses;
  const own = pinned[header.party];
  if (!own) throw new AuditFailure(line, 'header.party', `"${header.party}" is not a party to the pinned agreement`);
  if (!own.includes(header.key)) throw new AuditFailure(line, 'header.key', `the header's key for "${header.party}" is not the one the agreement pins`);
  const witnesses: Record<string, string[]> = {};
  for (const [party, keys] of Object.entries(pinned)) if (party !== header.party) witnesses[party] = keys;
  return witnesses;
}

/** Reads a file as chunks of whole lines (the last may lack its newline), each about `size` bytes. */
async function* readChunks(path: string, size: number, onBytes: (n: number) => void): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: size });
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      onBytes(stream.bytesRead);
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n');
      if (cut === -1) {
        rest = text;
        continue;
      }
      rest = text.slice(cut + 1);
      yield text.slice(0, cut);
    }
  } catch (e) {
    throw new UnreadableInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (rest.length > 0) yield rest;
}

function countLines(text: string): number {
  let n = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

export async function verifyLogFile(path: string, options: VerifyOptions): Promise<AuditSummary> {
  let totalBytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    totalBytes = st.size;
  } catch (e) {
    throw new UnreadableInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const progress: Progress = { bytesRead: 0, totalBytes, statements: 0 };
  const pool = options.workers > 0 ? new WorkerPool(options.workers) : undefined;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const maxInFlight = Math.max(2, options.workers * 4);
  let auditor: LogAuditor | undefined;
  let witnesses: Record<string, string[]> = {};
  let lastLine = 0;
  const queue: Chunk[] = [];

  const apply = (r: LineResult, chunk: Chunk): void => {
    const a = auditor!;
    switch (r.kind) {
      case 'error':
        throw new AuditFailure(r.line, r.rule, r.message);
      case 'header':
        throw new AuditFailure(lastLine, 'line.order', 'a second header line');
      case 'statement': {
        let facts = r.facts;
        // A key rotation after this chunk was sent: check the line again with the key now in force.
        if (facts.checkedWith !== a.expectedKey()) {
          const again = checkLine(lineOfChunk(chunk.text, chunk.firstLine, facts.line), facts.line, a.expectedKey());
          if (again.kind !== 'statement') return apply(again, chunk);
          facts = again.facts;
        }
        a.statement(facts);
        progress.statements++;
        return;
      }
      case 'checkpoint':
        return a.checkpoint(lastLine, r.note);
      case 'cosignature':
        return a.cosignature(lastLine, r.record, witnesses);
    }
  };

  const drainOne = async (): Promise<void> => {
    const chunk = queue.shift()!;
    for (const r of await chunk.done) {
      lastLine = r.line;
      apply(r, chunk);
    }
  };

  const dispatch = (text: string, firstLine: number): void => {
    const key = auditor!.expectedKey();
    let done: Promise<LineResult[]>;
    if (pool) {
      const { results, pending } = readChunk(text, firstLine, key);
      done = pending.length === 0 ? Promise.resolve(results) : pool.verify(packSignatures(pending), key).then((v) => (applyVerdicts(pending, v), results));
    } else {
      done = Promise.resolve(checkChunk(text, firstLine, key));
    }
    queue.push({ firstLine, text, done });
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.onProgress) timer = setInterval(() => options.onProgress!(progress), 250);
  try {
    let nextLine = 1;
    for await (let text of readChunks(path, chunkBytes, (b) => (progress.bytesRead = b))) {
      if (nextLine === 1) {
        const nl = text.indexOf('\n');
        const first = checkLine(nl === -1 ? text : text.slice(0, nl), 1, '');
        if (first.kind !== 'header') {
          throw new UnreadableInputError(`${path} is not a Parley log export: line 1 is not a header (${first.kind === 'error' ? first.message : first.kind})`);
        }
        witnesses = pinnedHeader(first.header, options.pinned, 1);
        auditor = new LogAuditor(first.header);
        lastLine = 1;
        nextLine = 2;
        if (nl === -1) continue;
        text = text.slice(nl + 1);
      }
      dispatch(text, nextLine);
      nextLine += countLines(text);
      while (queue.length >= maxInFlight) await drainOne();
    }
    if (!auditor) throw new UnreadableInputError(`${path} is empty: not a Parley log export`);
    while (queue.length > 0) await drainOne();
    options.onProgress?.(progress);
    return auditor.finish(lastLine);
  } finally {
    if (timer) clearInterval(timer);
    // Let in-flight chunks settle before the workers go, so no promise is left to reject unobserved.
    await Promise.allSettled(queue.map((c) => c.done));
    await pool?.close();
  }
}
