/**
 * C2SP tlog-checkpoint: the signed head of a party's Merkle log.
 *   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n ...]
 * Parley's convention: a party's log origin is "<agreement id>/<party id>", and the key that signs its checkpoints
 * carries that same name, so a checkpoint can only be opened with the key of the log it claims to be.
 */
import { FormatError, SignatureError } from './errors.js';
import { fromBase64, toBase64 } from './encoding.js';
import { HASH_BYTES } from './merkle.js';
import type { SigningKey } from './keys.js';
import { COSIGNATURE_TYPE, cosignatureVerifierKey, ED25519_TYPE, parseVerifierKey } from './note-key.js';
import { cosignatureTime, openNote, signNote, verifierFromKey, type OpenedNote } from './signed-note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

const SIZE = /^(?:0|[1-9][0-9]*)$/;

function bad(rule: string, message: string): never {
  throw new FormatError(rule, `checkpoint: ${message}`);
}

function assertLine(line: string, what: string): void {
  if (line.length === 0) bad('checkpoint.format', `empty ${what} line`);
  if (line.includes('\n')) bad('checkpoint.format', `${what} contains a newline`);
}

function assertSize(size: number): void {
  // The spec's size is a uint64; JavaScript numbers are exact only up to 2^53 - 1, far beyond any Parley log.
  if (!Number.isSafeInteger(size) || size < 0) bad('checkpoint.size', `tree size ${size} is not an integer from 0 to 2^53-1`);
}

function assertRoot(root: Uint8Array): void {
  if (root.byteLength !== HASH_BYTES) bad('checkpoint.root', `root hash is ${root.byteLength} bytes, not ${HASH_BYTES}`);
}

/** The checkpoint's note text (what the log signs and witnesses cosign), with its final newline. */
export function formatCheckpoint(cp: Checkpoint): string {
  assertLine(cp.origin, 'origin');
  assertSize(cp.size);
  assertRoot(cp.root);
  cp.extensions.forEach((e) => assertLine(e, 'extension'));
  return [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].map((l) => l + '\n').join('');
}

/** Parses a checkpoint's note text strictly: one way only to write each checkpoint. */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) bad('checkpoint.format', 'text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) bad('checkpoint.format', `${lines.length} lines, at least 3 needed (origin, size, root)`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  assertLine(origin, 'origin');
  if (!SIZE.test(sizeLine)) bad('checkpoint.size', `tree size "${sizeLine}" is not a decimal number without leading zeros`);
  const size = Number(sizeLine);
  assertSize(size);
  let root: Uint8Array;
  try {
    root = fromBase64(rootLine, 'root hash');
  } catch (e) {
    return bad('checkpoint.root', (e as Error).message);
  }
  assertRoot(root);
  extensions.forEach((e) => assertLine(e, 'extension'));
  return { origin, size, root, extensions };
}

/** The signed note of a checkpoint, signed by the log's Ed25519 key named `keyName` (Parley: the origin). */
export function signCheckpoint(cp: Checkpoint, key: SigningKey, keyName: string): string {
  return signNote(formatCheckpoint(cp), [{ name: keyName, type: ED25519_TYPE, signingKey: key }]);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  /** The checkpoint's note text: the message cosignatures sign. */
  text: string;
  /** The opened note: who verified, which signatures were ignored. */
  note: OpenedNote;
  /** Cosignatures by the given cosigners that verified, with their times (POSIX seconds). */
  cosignedBy: Array<{ name: string; time: number }>;
}

/**
 * Opens a signed checkpoint: the log's key (a type 0x01 vkey) must have signed it, and its origin must be that key's
 * name. `cosigners` are witnesses' vkeys (0x01 party keys are re-typed 0x04); a bad cosignature by one of them rejects
 * the note, as the signed-note rules require of any known key.
 */
export function openCheckpoint(note: string, logVkey: string, cosigners: string[] = []): OpenedCheckpoint {
  const log = parseVerifierKey(logVkey);
  if (log.type !== ED25519_TYPE) throw new FormatError('key.type', `the log key "${log.name}" must be an Ed25519 (type 0x01) key`);
  const witnessKeys = [...new Set(cosigners.map(cosignatureVerifierKey))];
  const opened = openNote(note, [verifierFromKey(logVkey), ...witnessKeys.map(verifierFromKey)]);
  if (!opened.verified.some((s) => s.type === ED25519_TYPE && s.name === log.name)) {
    throw new SignatureError('checkpoint.signature', `checkpoint is not signed by the log key "${log.name}"`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== log.name) {
    throw new SignatureError('checkpoint.origin', `checkpoint of origin "${checkpoint.origin}" signed by the key of "${log.name}"`);
  }
  const cosignedBy = opened.verified
    .filter((s) => s.type === COSIGNATURE_TYPE)
    .map((s) => ({ name: s.name, time: cosignatureTime(s.signature) }));
  return { checkpoint, text: opened.text, note: opened, cosignedBy };
}
