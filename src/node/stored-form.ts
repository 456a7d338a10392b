/**
 * A statement as the store keeps it and as the node works with it. The stored text is the canonical signed JSON
 * (the Merkle leaf), so reading it back gives the same bytes and the same hash, whichever driver stored it.
 */
import { fromUtf8 } from '../protocol/encoding.js';
import { parseStatement, type HashedStatement } from '../protocol/statement.js';
import type { StoredStatement } from '../storage/store.js';

export function storedOf(h: HashedStatement, storedAt: string): StoredStatement {
  const s = h.statement;
  return { author: s.author, index: s.index, hash: h.hash, text: fromUtf8(h.leaf), type: s.type, caseId: s.case, time: s.time, storedAt };
}

/** Parses a stored statement back (it was checked before it was stored; the hash is recomputed, not trusted). */
export function hashedOf(stored: StoredStatement): HashedStatement {
  return parseStatement(stored.text);
}

/** A JSON array of stored statements, written from their canonical texts without parsing them again. */
export function statementsJson(texts: readonly string[]): string {
  return `[${texts.join(',')}]`;
}
