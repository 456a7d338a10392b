/**
 * C2SP signed notes (c2sp.org/signed-note): a text ending in a newline, a blank line, and signature lines
 *   "— <key name> base64(key ID[4] || signature)"
 * The carrier of checkpoints and of witnesses' cosignatures. Opening follows golang.org/x/mod/sumdb/note, which the
 * spec's own examples come from: signatures by unknown keys are ignored, a known key's bad signature rejects the whole
 * note, and a note that no known key verified is rejected.
 */
import { FormatError, SignatureError } from './errors.js';
import { bytesEqual, concatBytes, fromBase64, toBase64, utf8 } from './encoding.js';
import { sign, verify, ED25519_SIGNATURE_BYTES, type SigningKey } from './keys.js';
import { assertKeyName, COSIGNATURE_TYPE, ED25519_TYPE, isValidKeyName, keyId, keyIdHex, KEY_ID_BYTES, parseVerifierKey } from './note-key.js';

/** Go's note.Open refuses more than 100 signatures; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
export const SIGNATURE_LINE_PREFIX = '\u2014 ';
/** tlog-cosignature v1: an 8-byte big-endian POSIX time before the Ed25519 signature. */
export const COSIGNATURE_TIME_BYTES = 8;
const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;

export interface NoteSignature {
  name: string;
  /** The 4-byte key ID that starts the signature's base64. */
  keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, with its final newline, without the blank line that separates it from the signatures. */
  text: string;
  signatures: NoteSignature[];
}

function malformed(message: string): never {
  throw new FormatError('note.format', `malformed signed note: ${message}`);
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NOTE = /[\x00-\x09\x0b-\x1f]|\p{Cs}/u;

/** A note must be valid UTF-8 (no lone surrogates here) without ASCII control characters other than newline. */
function assertNoteCharacters(text: string, what: string): void {
  if (typeof text !== 'string') malformed(`${what} is not a string`);
  const bad = FORBIDDEN_IN_NOTE.exec(text);
  if (bad) malformed(`${what} contains U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (control characters and lone surrogates are not allowed)`);
}

/** Checks a text that is to be signed: well-formed and ending in a newline. */
export function assertNoteText(text: string): void {
  assertNoteCharacters(text, 'note text');
  if (!text.endsWith('\n')) malformed('the text must end with a newline');
}

/** Parses one signature line, without its newline. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) malformed(`signature line ${JSON.stringify(line.slice(0, 40))} does not start with "— "`);
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (space < 0 || !isValidKeyName(name)) malformed(`signature line for ${JSON.stringify(name)}: expected "— <key name> <base64>"`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(rest.slice(space + 1), 'signature');
  } catch {
    return malformed(`signature by "${name}" is not canonical base64`);
  }
  if (bytes.byteLength <= KEY_ID_BYTES) malformed(`signature by "${name}" is too short (${bytes.byteLength} bytes)`);
  return { name, keyId: bytes.slice(0, KEY_ID_BYTES), signature: bytes.slice(KEY_ID_BYTES) };
}

/** One signature line, without its newline. */
export function formatSignatureLine(s: NoteSignature): string {
  assertKeyName(s.name, 'signer name');
  if (s.keyId.byteLength !== KEY_ID_BYTES) throw new FormatError('note.format', `a key ID is ${KEY_ID_BYTES} bytes, got ${s.keyId.byteLength}`);
  if (s.signature.byteLength === 0) throw new FormatError('note.format', `empty signature by "${s.name}"`);
  return `${SIGNATURE_LINE_PREFIX}${s.name} ${toBase64(concatBytes(s.keyId, s.signature))}`;
}

/** Splits a signed note into its text and signatures, checking every well-formedness rule; verifies nothing. */
export function parseNote(note: string): Note {
  assertNoteCharacters(note, 'note');
  // The text is separated from the signatures by the LAST blank line: the text itself may contain blank lines.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) malformed('no signature after the blank line');
  if (!block.endsWith('\n')) malformed('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`${lines.length} signatures, more than the ${MAX_SIGNATURES} accepted`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

export function formatNote(note: Note): string {
  assertNoteText(note.text);
  if (note.signatures.length === 0) throw new FormatError('note.format', 'a signed note needs at least one signature');
  if (note.signatures.length > MAX_SIGNATURES) throw new FormatError('note.format', `more than ${MAX_SIGNATURES} signatures`);
  return `${note.text}\n${note.signatures.map((s) => formatSignatureLine(s) + '\n').join('')}`;
}

export interface NoteSigner {
  name: string;
  type: number;
  signingKey: SigningKey;
}

/** Signs a text with Ed25519 (type 0x01) keys; deterministic. Cosignatures (0x04) carry a time: see cosignature.ts. */
export function signNote(text: string, signers: NoteSigner[]): string {
  assertNoteText(text);
  const message = utf8(text);
  const signatures = signers.map((s): NoteSignature => {
    if (s.type !== ED25519_TYPE) {
      throw new FormatError('note.signer', `signNote signs with type 0x01 keys; "${s.name}" is type 0x${s.type.toString(16).padStart(2, '0')}`);
    }
    return { name: s.name, keyId: keyId(s.name, s.type, s.signingKey.publicKey.raw), signature: sign(s.signingKey, message) };
  });
  return formatNote({ text, signatures });
}

/** A known key: signatures with this name and key ID must verify with it. */
export interface Verifier {
  name: string;
  keyId: Uint8Array;
  type: number;
  /** Whether `signature` (the bytes after the key ID) is valid over the note text `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** The message a v1 cosignature signs: "cosignature/v1\ntime <seconds>\n" followed by the checkpoint text. */
export function cosignedMessage(checkpointText: Uint8Array, timeSeconds: bigint): Uint8Array {
  return concatBytes(utf8(`cosignature/v1\ntime ${timeSeconds.toString()}\n`), checkpointText);
}

function cosignatureTimestamp(signature: Uint8Array): bigint {
  return new DataView(signature.buffer, signature.byteOffset, signature.byteLength).getBigUint64(0, false);
}

/** The POSIX time at the start of a cosignature's bytes (after the key ID), as an exact JavaScript number. */
export function cosignatureTime(signature: Uint8Array): number {
  if (signature.byteLength < COSIGNATURE_TIME_BYTES) throw new FormatError('cosignature.format', 'cosignature too short to hold a time');
  const time = cosignatureTimestamp(signature);
  // Valid up to 2^63 - 1 by the spec, but past 2^53 a number would round it: refuse rather than report a wrong time.
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError('cosignature.time', `cosignature time ${time} is beyond any real date`);
  return Number(time);
}

export function verifierFromKey(vkey: string): Verifier {
  const k = parseVerifierKey(vkey);
  const base = { name: k.name, keyId: k.keyId, type: k.type };
  if (k.type === COSIGNATURE_TYPE) {
    return {
      ...base,
      verify(message, signature) {
        if (signature.byteLength !== COSIGNATURE_TIME_BYTES + ED25519_SIGNATURE_BYTES) return false;
        const time = cosignatureTimestamp(signature);
        if (time > MAX_COSIGNATURE_TIME) return false;
        return verify(k.publicKey, cosignedMessage(message, time), signature.subarray(COSIGNATURE_TIME_BYTES));
      },
    };
  }
  return { ...base, verify: (message, signature) => verify(k.publicKey, message, signature) };
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verified, in note order. */
  verifiedBy: string[];
  /** Names on signatures by keys not given (ignored, as the spec requires). */
  unverified: string[];
  /** The signatures that verified, with the type of the key that verified each. */
  verified: Array<NoteSignature & { type: number }>;
}

function keyLabel(name: string, id: Uint8Array): string {
  return `${name}+${keyIdHex(id)}`;
}

/** The verifier for this signature's (name, key ID), if any; two different known keys with one label are refused. */
function findVerifier(verifiers: Verifier[], s: NoteSignature): Verifier | undefined {
  const found = verifiers.filter((v) => v.name === s.name && bytesEqual(v.keyId, s.keyId));
  if (found.length > 1) throw new FormatError('note.verifiers', `ambiguous: ${found.length} known keys named ${keyLabel(s.name, s.keyId)}`);
  return found[0];
}

/** Parses a signed note and verifies it with the known keys (see the file comment for the rules). */
export function openNote(note: string, verifiers: Verifier[]): OpenedNote {
  const parsed = parseNote(note);
  const message = utf8(parsed.text);
  const opened: OpenedNote = { text: parsed.text, verifiedBy: [], unverified: [], verified: [] };
  const seenLines = new Set<string>();
  const seenKeys = new Set<string>();
  for (const s of parsed.signatures) {
    const v = findVerifier(verifiers, s);
    const label = keyLabel(s.name, s.keyId);
    if (!v) {
      // Repeated identical unknown lines are listed once; a known key's repeated signature is checked once.
      const line = formatSignatureLine(s);
      if (!seenLines.has(line)) opened.unverified.push(s.name);
      seenLines.add(line);
      continue;
    }
    if (seenKeys.has(label)) continue;
    seenKeys.add(label);
    if (!v.verify(message, s.signature)) throw new SignatureError('note.signature', `invalid signature by known key ${label}`);
    opened.verifiedBy.push(s.name);
    opened.verified.push({ ...s, type: v.type });
  }
  if (opened.verifiedBy.length === 0) {
    const names = parsed.signatures.map((s) => keyLabel(s.name, s.keyId)).join(', ');
    throw new SignatureError('note.unverified', `no signature by a known key (signed by: ${names})`);
  }
  return opened;
}
