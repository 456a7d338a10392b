/**
 * The per-line work of the audit: parse a line, and for a statement check its envelope, compute its leaf hash
 * and verify its signature. Reading and hashing run on the main thread; the signature checks, nine tenths of
 * the work, go in packed batches to worker threads (verify-worker.ts). Keeping the two apart also keeps each
 * thread's loop tight: canonicalizing between two verifications evicts the signature code's tables from the
 * CPU caches, which costs about a tenth of the verification rate.
 */
import { checkCosignatureRecord, checkHeader, lineKind, type CosignatureRecord, type LogHeader } from '../protocol/log-export.js';
import { checkEnvelope, statementDigest, verifyStatementSignature, type Statement } from '../protocol/statement.js';
import { parseVerifierKey } from '../protocol/note-key.js';
import { ProtocolError } from '../protocol/errors.js';
import { verify } from '../protocol/keys.js';
import { fromBase64 } from '../protocol/encoding.js';
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

/** A statement line read and hashed, whose signature is still to be checked. */
export interface PendingSignature {
  facts: StatementFacts;
  statement: Statement;
  signingBytes: Uint8Array;
}

/** Reads one line: parses it, and for a statement checks its envelope and computes its digest. */
function readLine(text: string, line: number, key: string, pending: PendingSignature[]): LineResult {
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
        return { kind, line, facts: statementFacts(inner, line, key, pending, statementText(text)) };
    }
  } catch (e) {
    return errorOf(line, e);
  }
}

const STATEMENT_LINE_START = '{"statement":';

/** The statement's own JSON text within its line, when the line is written as Parley writes it. */
function statementText(line: string): string | undefined {
  return line.startsWith(STATEMENT_LINE_START) && line.endsWith('}') ? line.slice(STATEMENT_LINE_START.length, -1) : undefined;
}

function statementFacts(value: unknown, line: number, key: string, pending: PendingSignature[], text: string | undefined): StatementFacts {
  checkEnvelope(value, true);
  const s = value as Statement;
  const { leafHash, signingBytes } = statementDigest(s, text);
  const facts: StatementFacts = {
    line,
    agreement: s.agreement,
    author: s.author,
    index: s.index,
    time: s.time,
    type: s.type,
    leafHash,
    checkedWith: key,
    signatureValid: false,
  };
  if (s.type === 'key-rotation' && s.body && typeof s.body.newKey === 'string') facts.newKey = s.body.newKey;
  pending.push({ facts, statement: s, signingBytes });
  return facts;
}

function checkSignatures(pending: PendingSignature[], key: string): void {
  for (const p of pending) {
    try {
      verifyStatementSignature(p.statement, publicKeyOf(key), p.signingBytes);
      p.facts.signatureValid = true;
    } catch {
      p.facts.signatureValid = false;
    }
  }
}

/** Checks one line; `key` is the verifier key that a statement on this line is expected to be signed with. */
export function checkLine(text: string, line: number, key: string): LineResult {
  const pending: PendingSignature[] = [];
  const result = readLine(text, line, key, pending);
  checkSignatures(pending, key);
  return result;
}

/** Signature checks packed into one buffer: message i is data[offsets[2i] .. offsets[2i+1]), its signature up to offsets[2i+2]. */
export interface PackedSignatures {
  data: Uint8Array;
  offsets: Uint32Array;
}

/** Packs signature checks into one transferable buffer (a Buffer from Node's pool must never be sent as it is). */
export function packSignatures(pending: PendingSignature[]): PackedSignatures {
  const sigs = pending.map((p) => {
    try {
      return fromBase64(p.statement.sig);
    } catch {
      return new Uint8Array(0); // not base64: verifies as nothing
    }
  });
  let total = 0;
  for (let i = 0; i < pending.length; i++) total += pending[i]!.signingBytes.byteLength + sigs[i]!.byteLength;
  const data = new Uint8Array(total);
  const offsets = new Uint32Array(2 * pending.length + 1);
  let at = 0;
  for (let i = 0; i < pending.length; i++) {
    data.set(pending[i]!.signingBytes, at);
    at += pending[i]!.signingBytes.byteLength;
    offsets[2 * i + 1] = at;
    data.set(sigs[i]!, at);
    at += sigs[i]!.byteLength;
    offsets[2 * i + 2] = at;
  }
  return { data, offsets };
}

/** Verifies packed signatures with one key: 1 for valid, 0 for invalid, per check. */
export function verifyPacked(packed: PackedSignatures, key: string): Uint8Array {
  const n = (packed.offsets.length - 1) / 2;
  const verdicts = new Uint8Array(n);
  const publicKey = publicKeyOf(key);
  const { data, offsets } = packed;
  for (let i = 0; i < n; i++) {
    const message = data.subarray(offsets[2 * i]!, offsets[2 * i + 1]!);
    const sig = data.subarray(offsets[2 * i + 1]!, offsets[2 * i + 2]!);
    verdicts[i] = verify(publicKey, message, sig) ? 1 : 0;
  }
  return verdicts;
}

export function applyVerdicts(pending: PendingSignature[], verdicts: Uint8Array): void {
  pending.forEach((p, i) => (p.facts.signatureValid = verdicts[i] === 1));
}

export interface SignatureRequest {
  id: number;
  packed: PackedSignatures;
  key: string;
}

export interface SignatureResponse {
  id: number;
  verdicts: Uint8Array;
}

/**
 * Checks every non-blank line of a chunk of whole lines: first reads and hashes them all, then verifies all
 * the signatures. Two tight loops, not one that alternates: canonicalizing between two verifications evicts
 * the signature code's tables from the CPU caches, which costs about a tenth of the verification rate.
 */
export function checkChunk(text: string, firstLine: number, key: string): LineResult[] {
  const { results, pending } = readChunk(text, firstLine, key);
  checkSignatures(pending, key);
  return results;
}

/** Reads every non-blank line of a chunk of whole lines, leaving the statements' signatures to check. */
export function readChunk(text: string, firstLine: number, key: string): { results: LineResult[]; pending: PendingSignature[] } {
  const results: LineResult[] = [];
  const pending: PendingSignature[] = [];
  let line = firstLine;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) results.push(readLine(text.slice(start, end), line, key, pending));
    line++;
    start = end + 1;
  }
  return { results, pending };
}

/** The text of line `line` of a chunk that starts at `firstLine`. */
export function lineOfChunk(text: string, firstLine: number, line: number): string {
  let start = 0;
  for (let n = firstLine; n < line; n++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}
