/**
 * Ed25519 keys through node:crypto. Key objects are built once and cached: parsing a public key
 * on every verification costs more than the verification itself.
 *
 * The protocol is pure: it never makes randomness. A new key is made from a 32-byte seed that the caller
 * (the node, `parley init`) draws from the operating system.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { FormatError } from './errors.js';
import { toBase64 } from './encoding.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** A public key: its 32 raw bytes and the cached node:crypto object that verifies with it. */
export interface PublicKey {
  readonly raw: Uint8Array;
  readonly object: KeyObject;
}

/** A signing key: the seed it was made from, its key object, and its public key. */
export interface SigningKey {
  readonly seed: Uint8Array;
  readonly object: KeyObject;
  readonly publicKey: PublicKey;
}

// DER prefixes of the SubjectPublicKeyInfo / PKCS#8 wrappings of a raw Ed25519 key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const publicKeyCache = new Map<string, PublicKey>();
const PUBLIC_KEY_CACHE_LIMIT = 10_000;

/** The public key with these 32 raw bytes (cached: agreements name few keys, logs use them many times). */
export function publicKeyFromRaw(raw: Uint8Array): PublicKey {
  if (raw.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new FormatError('key.length', `an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${raw.byteLength}`);
  }
  const id = toBase64(raw);
  const cached = publicKeyCache.get(id);
  if (cached) return cached;
  let object: KeyObject;
  try {
    object = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch (e) {
    throw new FormatError('key.invalid', `not a valid Ed25519 public key: ${(e as Error).message}`);
  }
  const key: PublicKey = { raw: new Uint8Array(raw), object };
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
  publicKeyCache.set(id, key);
  return key;
}

/** The signing key derived from a 32-byte seed (RFC 8032). */
export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  if (seed.byteLength !== ED25519_SEED_BYTES) {
    throw new FormatError('key.length', `an Ed25519 seed is ${ED25519_SEED_BYTES} bytes, got ${seed.byteLength}`);
  }
  const object = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(object).export({ format: 'der', type: 'spki' });
  const raw = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return { seed: new Uint8Array(seed), object, publicKey: publicKeyFromRaw(raw) };
}

export function sign(key: SigningKey, message: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(null, message, key.object));
}

/** True only for a valid signature; malformed signatures are simply invalid, never an exception. */
export function verify(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.byteLength !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return cryptoVerify(null, message, key.object, signature);
  } catch {
    return false;
  }
}
