/**
 * Canonical JSON (RFC 8785, JCS): everything Parley signs is signed over these bytes,
 * so two implementations that agree on the value agree on the signature.
 */
import canonicalize from 'canonicalize';
import { FormatError } from './errors.js';
import { utf8 } from './encoding.js';

/** The canonical text of a JSON value. Refuses what JSON cannot carry (undefined, functions, NaN, Infinity). */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    throw new FormatError('json.canonical', `cannot canonicalize: ${(e as Error).message}`);
  }
  if (text === undefined) throw new FormatError('json.canonical', 'cannot canonicalize: value is not JSON');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
