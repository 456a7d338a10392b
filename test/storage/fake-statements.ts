/**
 * Statements as the store sees them, made up for storage tests: the store checks nothing of the protocol, so a
 * text with a SHA-256 for its hash is all it needs (real signed statements are the node's tests' business).
 */
import { createHash } from 'node:crypto';
import type { StoredStatement } from '../../src/storage/store.js';

export interface FakeOptions {
  type?: string;
  caseId?: string | null;
  time?: string;
  /** Makes the text (and so the hash) differ between otherwise equal statements. */
  tag?: string;
}

export function fakeStatement(author: string, index: number, options: FakeOptions = {}): StoredStatement {
  const type = options.type ?? 'note';
  const caseId = options.caseId ?? null;
  const time = options.time ?? new Date(Date.UTC(2026, 10, 22) + index * 1000).toISOString();
  const text = JSON.stringify({ author, index, type, caseId, time, tag: options.tag ?? '' });
  return { author, index, hash: sha256Hex(text), text, type, caseId, time, storedAt: '2026-11-23T00:00:00.000Z' };
}

/** Statements `from` .. `from + count - 1` of `author`. */
export function fakeRun(author: string, from: number, count: number, options: FakeOptions = {}): StoredStatement[] {
  return Array.from({ length: count }, (_, k) => fakeStatement(author, from + k, options));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
