/**
 * C2SP signed-note keys (c2sp.org/signed-note, golang.org/x/mod/sumdb/note):
 *   verifier key  "<name>+<key ID, 8 hex>+base64(type || public key)"
 *   signer key    "PRIVATE+KEY+<name>+<key ID, 8 hex>+base64(type || seed)"
 * where key ID = SHA-256(name || 0x0A || type || public key)[:4].
 *
 * A Parley party has one Ed25519 key. It signs statements and checkpoints as type 0x01 and cosigns other parties'
 * checkpoints as type 0x04 (tlog-cosignature); the key IDs differ and the signed messages are domain-separated,
 * so one key serves all three without a signature for one purpose being valid for another.
 */
import { FormatError } from './errors.js';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from './encoding.js';
import { sha256 } from './hash.js';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, publicKeyFromRaw, signingKeyFromSeed, type PublicKey, type SigningKey } from './keys.js';

/** Ed25519 signatures over the note text (signed-note). */
export const ED25519_TYPE = 0x01;
/** Timestamped Ed25519 witness cosignatures (tlog-cosignature v1). */
export const COSIGNATURE_TYPE = 0x04;
export const KEY_ID_BYTES = 4;

const KNOWN_TYPES = new Set([ED25519_TYPE, COSIGNATURE_TYPE]);
const SIGNER_PREFIX = 'PRIVATE+KEY+';
const KEY_ID_HEX = /^[0-9a-f]{8}$/;
// Go's unicode.IsSpace is exactly the White_Space property; ASCII control characters can never appear in a note;
// a lone surrogate is not UTF-8.
const FORBIDDEN_IN_NAME = /[\p{White_Space}\x00-\x1f+]|\p{Cs}/u;

/** A key name is non-empty, well-formed, and has no Unicode space, control character or '+'. */
export function isValidKeyName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && !FORBIDDEN_IN_NAME.test(name);
}

export function assertKeyName(name: string, what = 'key name'): void {
  if (!isValidKeyName(name)) {
    throw new FormatError('key.name', `${what} ${JSON.stringify(name)} is not valid: it must be non-empty, without spaces, control characters or '+'`);
  }
}

function assertKnownType(type: number): void {
  if (!KNOWN_TYPES.has(type)) {
    throw new FormatError('key.type', `unknown signature type 0x${type.toString(16).padStart(2, '0')} (known: 0x01 Ed25519, 0x04 cosignature)`);
  }
}

/** The 4-byte key ID: SHA-256(name || "\n" || type || key)[:4]. */
export function keyId(name: string, type: number, key: Uint8Array): Uint8Array {
  return sha256(utf8(name), new Uint8Array([0x0a, type]), key).slice(0, KEY_ID_BYTES);
}

/** The key ID as C2SP keys write it: 8 lowercase hex digits. */
export function keyIdHex(id: Uint8Array): string {
  return toHex(id);
}

export function formatVerifierKey(name: string, type: number, key: Uint8Array): string {
  assertKeyName(name);
  assertKnownType(type);
  if (key.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new FormatError('key.length', `an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${key.byteLength}`);
  }
  return `${name}+${keyIdHex(keyId(name, type, key))}+${toBase64(concatBytes(new Uint8Array([type]), key))}`;
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  type: number;
  /** The raw 32-byte Ed25519 public key. */
  key: Uint8Array;
  publicKey: PublicKey;
}

/** Splits "<name>+<hex8>+<base64>" (base64 may itself contain '+', so only the first two are separators). */
function splitKey(text: string, what: string): { name: string; hex: string; data: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new FormatError('key.format', `${what} must look like "name+hex8+base64"`);
  const name = text.slice(0, first);
  const hex = text.slice(first + 1, second);
  assertKeyName(name, `${what} name`);
  if (!KEY_ID_HEX.test(hex)) throw new FormatError('key.format', `${what} "${name}": key ID "${hex}" is not 8 lowercase hex digits`);
  const data = fromBase64(text.slice(second + 1), `${what} "${name}" key data`);
  if (data.byteLength < 1) throw new FormatError('key.format', `${what} "${name}" has no key data`);
  return { name, hex, data };
}

function checkKeyId(name: string, hex: string, type: number, publicRaw: Uint8Array, what: string): Uint8Array {
  const id = keyId(name, type, publicRaw);
  if (keyIdHex(id) !== hex) {
    throw new FormatError('key.id', `${what} "${name}": key ID ${hex} does not match the key (expected ${keyIdHex(id)})`);
  }
  return id;
}

function assertKeyLength(bytes: Uint8Array, expected: number, what: string): void {
  if (bytes.byteLength !== expected) {
    throw new FormatError('key.length', `${what} must hold a ${expected}-byte Ed25519 key, got ${bytes.byteLength} bytes`);
  }
}

export function parseVerifierKey(vkey: string): VerifierKey {
  if (typeof vkey !== 'string') throw new FormatError('key.format', 'a verifier key must be a string');
  const { name, hex, data } = splitKey(vkey, 'verifier key');
  const type = data[0]!;
  assertKnownType(type);
  const key = data.slice(1);
  assertKeyLength(key, ED25519_PUBLIC_KEY_BYTES, `verifier key "${name}"`);
  const id = checkKeyId(name, hex, type, key, 'verifier key');
  return { name, keyId: id, type, key, publicKey: publicKeyFromRaw(key) };
}

export function formatSignerKey(name: string, type: number, seed: Uint8Array): string {
  assertKeyName(name);
  assertKnownType(type);
  const signingKey = signingKeyFromSeed(seed);
  const id = keyId(name, type, signingKey.publicKey.raw);
  return `${SIGNER_PREFIX}${name}+${keyIdHex(id)}+${toBase64(concatBytes(new Uint8Array([type]), seed))}`;
}

export interface SignerKey {
  name: string;
  keyId: Uint8Array;
  type: number;
  signingKey: SigningKey;
}

export function parseSignerKey(text: string): SignerKey {
  if (typeof text !== 'string' || !text.startsWith(SIGNER_PREFIX)) {
    throw new FormatError('key.format', 'a signer key must start with "PRIVATE+KEY+"');
  }
  const { name, hex, data } = splitKey(text.slice(SIGNER_PREFIX.length), 'signer key');
  const type = data[0]!;
  assertKnownType(type);
  const seed = data.slice(1);
  assertKeyLength(seed, ED25519_SEED_BYTES, `signer key "${name}"`);
  const signingKey = signingKeyFromSeed(seed);
  // The key ID names the public key: only after deriving it can a wrong ID (or a corrupted seed) be seen.
  const id = checkKeyId(name, hex, type, signingKey.publicKey.raw, 'signer key');
  return { name, keyId: id, type, signingKey };
}

/** The same name and Ed25519 key as a type 0x04 (cosignature) verifier key. A 0x04 key is returned unchanged. */
export function cosignatureVerifierKey(vkey: string): string {
  const k = parseVerifierKey(vkey);
  return formatVerifierKey(k.name, COSIGNATURE_TYPE, k.key);
}
