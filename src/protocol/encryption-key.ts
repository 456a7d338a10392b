/**
 * A party's encryption key: X25519 (RFC 7748), the key other parties seal bodies to (sealed-body.ts).
 *
 *   public key in the agreement      standard base64 of the 32 raw bytes (like every other base64 of Parley)
 *   private key on disk              "PRIVATE+X25519+<agreement id>/<party id>+<base64 of the 32 raw bytes>"
 *   key id (in each sealed body)     the first 4 bytes of SHA-256("parley/encryption-key/v1\n" || public key), hex
 *
 * The private key is 32 bytes drawn by the caller (the node, `parley init`): like keys.ts, this module never makes
 * randomness. X25519 clamps any 32 bytes into a valid scalar, so every 32-byte string is a private key.
 * The key is separate from the Ed25519 signing key: converting one curve's key to the other would tie a signature
 * key's fate to confidentiality, and rotating one would rotate both.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { FormatError } from './errors.js';
import { fromBase64, toBase64, toHex, utf8 } from './encoding.js';
import { sha256 } from './hash.js';
import { assertKeyName } from './note-key.js';

export const X25519_KEY_BYTES = 32;
const PRIVATE_PREFIX = 'PRIVATE+X25519+';
const KEY_ID_CONTEXT = 'parley/encryption-key/v1\n';
// DER prefixes of the PKCS#8 and SubjectPublicKeyInfo wrappings of a raw X25519 key (RFC 8410, OID 1.3.101.110).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX_LENGTH = 12;

/** One of a party's encryption key pairs: what the party keeps to open bodies sealed to it. */
export interface EncryptionKeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** encryptionKeyId(publicKey). */
  readonly id: string;
}

function checkLength(bytes: Uint8Array, what: string): void {
  if (bytes.byteLength !== X25519_KEY_BYTES) throw new FormatError('encryption-key.length', `${what} is ${X25519_KEY_BYTES} bytes, got ${bytes.byteLength}`);
}

/** The key id that a sealed body names for each recipient, so that a party holding several keys knows which opens it. */
export function encryptionKeyId(publicKey: Uint8Array): string {
  return toHex(sha256(utf8(KEY_ID_CONTEXT), publicKey).slice(0, 4));
}

/** The key pair of a 32-byte X25519 private key (RFC 7748: the public key is the private scalar times the base point). */
export function encryptionKeyPair(privateKey: Uint8Array): EncryptionKeyPair {
  checkLength(privateKey, 'an X25519 private key');
  const object = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(object).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX_LENGTH));
  return { privateKey: new Uint8Array(privateKey), publicKey, id: encryptionKeyId(publicKey) };
}

/** The public key as the agreement publishes it: base64 of the 32 raw bytes. */
export function formatEncryptionKey(publicKey: Uint8Array): string {
  checkLength(publicKey, 'an X25519 public key');
  return toBase64(publicKey);
}

/** Parses an agreement's `encryptionKey`; throws FormatError (rule "encryption-key.*") naming what was wrong. */
export function parseEncryptionKey(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text, 'the encryption key');
  } catch (e) {
    throw new FormatError('encryption-key.base64', (e as Error).message);
  }
  checkLength(bytes, 'an X25519 public key');
  return bytes;
}

/** The private key file's text (without a final newline). */
export function formatEncryptionPrivateKey(name: string, privateKey: Uint8Array): string {
  assertKeyName(name);
  checkLength(privateKey, 'an X25519 private key');
  return `${PRIVATE_PREFIX}${name}+${toBase64(privateKey)}`;
}

/** Parses a private key file's line: its name (`<agreement id>/<party id>`) and key pair. */
export function parseEncryptionPrivateKey(text: string): { name: string; keyPair: EncryptionKeyPair } {
  if (!text.startsWith(PRIVATE_PREFIX)) throw new FormatError('encryption-key.format', `an encryption key file line starts with "${PRIVATE_PREFIX}"`);
  const rest = text.slice(PRIVATE_PREFIX.length);
  // A name never holds '+' (note-key.ts), while base64 may: the first '+' ends the name.
  const plus = rest.indexOf('+');
  if (plus <= 0) throw new FormatError('encryption-key.format', 'an encryption key is "PRIVATE+X25519+<name>+<base64 key>"');
  const name = rest.slice(0, plus);
  assertKeyName(name);
  let raw: Uint8Array;
  try {
    raw = fromBase64(rest.slice(plus + 1), 'the private key');
  } catch (e) {
    throw new FormatError('encryption-key.base64', (e as Error).message);
  }
  return { name, keyPair: encryptionKeyPair(raw) };
}
