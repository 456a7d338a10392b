/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), with node:crypto's HMAC: the optional second factor
 * of a console account. Secrets travel as RFC 4648 base32, as authenticator apps expect.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** Seconds per step (RFC 6238's X). Default 30. */
  step?: number;
  digits?: number;
  algorithm?: TotpAlgorithm;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class Base32Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base32Error';
  }
}

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Base32Error(`"${ch}" is not a base32 character`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP: the dynamic truncation of HMAC(key, counter), as `digits` decimal digits. */
export function hotp(key: Uint8Array, counter: bigint, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(code % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 TOTP at unix time `seconds`. */
export function totp(key: Uint8Array, seconds: number, opts: TotpOptions = {}): string {
  const counter = BigInt(Math.floor(seconds / (opts.step ?? 30)));
  return hotp(key, counter, opts.digits ?? 6, opts.algorithm ?? 'sha1');
}

/**
 * Whether `code` is the TOTP of `secret` (base32) at `seconds`, one step either side: a phone's clock drifts and a
 * person types slowly.
 */
export function verifyTotp(secretBase32: string, code: string, seconds: number): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = base32Decode(secretBase32);
  const given = Buffer.from(code);
  return [-30, 0, 30].some((d) => timingSafeEqual(Buffer.from(totp(key, seconds + d)), given));
}

/** A new 160-bit secret (RFC 4226 recommends 160 bits), base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The otpauth:// URI authenticator apps read (as a QR code or pasted). */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
