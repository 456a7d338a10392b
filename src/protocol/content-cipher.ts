/**
 * The AEAD that encrypts a sealed body once for all its recipients: AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce
 * and a 128-bit tag, through WebCrypto — the same implementation HPKE's Aes256Gcm uses (sealed-body.ts), so the
 * Wycheproof vectors that test this file test both. Each content key encrypts exactly one body, so the nonce could
 * be fixed; it is random all the same, so that a reused key (a broken random source) does not also reuse a nonce.
 */
import { webcrypto } from 'node:crypto';

export const CONTENT_KEY_BYTES = 32;
export const CONTENT_NONCE_BYTES = 12;
export const CONTENT_TAG_BYTES = 16;

function importKey(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, [usage]);
}

/** Encrypts `plaintext`; returns ciphertext || tag. */
export async function contentSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const k = await importKey(key, 'encrypt');
  return new Uint8Array(await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: CONTENT_TAG_BYTES * 8 }, k, plaintext));
}

/** Decrypts ciphertext || tag; resolves undefined when it does not authenticate (wrong key, nonce, data or tag). */
export async function contentOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined> {
  if (sealed.byteLength < CONTENT_TAG_BYTES) return undefined;
  const k = await importKey(key, 'decrypt');
  try {
    return new Uint8Array(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: CONTENT_TAG_BYTES * 8 }, k, sealed));
  } catch {
    return undefined;
  }
}
