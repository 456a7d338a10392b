/** Byte encodings used on the wire: standard base64 (C2SP notes, signatures) and lowercase hex (statement hashes). */
import { Buffer } from 'node:buffer';
import { FormatError } from './errors.js';

const HEX = /^(?:[0-9a-f]{2})*$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Strict standard base64 (padded, no whitespace, canonical). Buffer.from alone would silently skip bad characters,
 * accept the URL-safe alphabet and missing padding, and ignore non-zero padding bits, letting two different strings
 * stand for the same bytes. Encoding the bytes again must give back exactly the input: that refuses all of these
 * at once (and is cheaper than a regular expression on the audit's hot path).
 */
export function fromBase64(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string') throw new FormatError('encoding.base64', `${what} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new FormatError('encoding.base64', `${what} is not valid, canonical, padded base64`);
  return new Uint8Array(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || !HEX.test(text)) throw new FormatError('encoding.hex', `${what} is not lowercase hex`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export function fromUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
