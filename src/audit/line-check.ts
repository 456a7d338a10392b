/**
 * The per-line work of the audit: parse a line, and for a statement check its envelope, compute its leaf hash
 * and verify its signature. Runs on worker threads (verify-worker.ts) and, for the odd line, on the main thread.
 * Stateless, so that lines can be checked in any order and on any thread.
 */
import { checkCosignatureRecord, checkHeader, lineKind, type CosignatureRecord, type LogHeader } from '../protocol/log-export.js';
import { checkEnvelope, hashWithSigningBytes, verifyStatementSignature, type Statement } from '../protocol/statement.js';
import { parseVerifierKey } from '../protocol/note-key.js';
import { ProtocolError } from '../protocol/errors.js';
import type { StatementFacts } from '../protocol/log-audit.js';
import type { PublicKey } from '../protocol/keys.js';

export type LineResult =
  | { kind: 'statement'; line: number; facts: StatementFacts }
  | { kind: 'header'; line: number; header: LogHeader }
  | { kind: 'checkpoint'; line: number; note: string }
  | { kind: 'cosignature'; line: number; record: CosignatureRecord }
  | { kind: 'error'; line: number; rule: string; message: string };

const keyCache = new Map<string, PublicKey | Error>();

function publicKeyOf(vkey: string): PublicKey {
  let k = keyCache.get(vkey);
  if (k === undefined) {
    try {
      k = parseVerifierKey(vkey).publicKey;
    } catch (e) {
      k = e as Error;
    }
    keyCache.set(vkey, k);
  }
  if (k instanceof Error) throw k;
  return k;
}

function errorOf(line: number, e: unknown): LineResult {
  if (e instanceof ProtocolError) return { kind: 'error', line, rule: e.rule, message: e.message };
  return { kind: 'error', line, rule: 'line.invalid', message: (e as Error).message };
}

/** Checks one line; `key` is the verifier key that a statement on this line is expected to be signed with. */
export function checkLine(text: string, line: number, key: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { kind: 'error', line, rule: 'line.json', message: `not valid JSON: ${(e as Error).message}` };
  }
  try {
    const kind = lineKind(value);
    const inner = (value as Record<string, unknown>)[kind];
    switch (kind) {
      case 'header':
        return { kind, line, header: checkHeader(inner) };
      case 'checkpoint':
        if (typeof inner !== 'string') return { kind: 'error', line, rule: 'checkpoint.shape', message: 'checkpoint must be a signed note (a string)' };
        return { kind, line, note: inner };
      case 'cosignature':
        return { kind, line, record: checkCosignatureRecord(inner) };
      case 'statement':
        return { kind, line, facts: statementFacts(inner, line, key) };
    }
  } catch (e) {
    return errorOf(line, e);
  }
}

function statementFacts(value: unknown, line: number, key: string): StatementFacts {
  checkEnvelope(value, true);
  const s = value as Statement;
  const { hashed, signingBytes } = hashWithSigningBytes(s);
  let signatureValid = true;
  try {
    verifyStatementSignature(s, publicKeyOf(key), signingBytes);
  } catch {
    signatureValid = false;
  }
  const facts: StatementFacts = {
    line,
    agreement: s.agreement,
    author: s.author,
    index: s.index,
    time: s.time,
    type: s.type,
    leafHash: hashed.leafHash,
    checkedWith: key,
    signatureValid,
  };
  if (s.type === 'key-rotation' && s.body && typeof s.body.newKey === 'string') facts.newKey = s.body.newKey;
  return facts;
}

export interface ChunkRequest {
  id: number;
  /** Whole lines, separated by \n. */
  text: string;
  /** The line number of the chunk's first line. */
  firstLine: number;
  key: string;
}

export interface ChunkResponse {
  id: number;
  results: LineResult[];
}

/** Checks every non-blank line of a chunk of whole lines. */
export function checkChunk(text: string, firstLine: number, key: string): LineResult[] {
  const results: LineResult[] = [];
  let line = firstLine;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) results.push(checkLine(text.slice(start, end), line, key));
    line++;
    start = end + 1;
  }
  return results;
}

/** The text of line `line` of a chunk that starts at `firstLine`. */
export function lineOfChunk(text: string, firstLine: number, line: number): string {
  let start = 0;
  for (let n = firstLine; n < line; n++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}
