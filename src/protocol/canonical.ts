/**
 * Canonical JSON (RFC 8785, JCS): everything Parley signs is signed over these bytes,
 * so two implementations that agree on the value agree on the signature.
 */
import canonicalize from 'canonicalize';
import { FormatError } from './errors.js';
import { utf8 } from './encoding.js';

function refuse(path: string, what: string): never {
  throw new FormatError('json.canonical', `cannot canonicalize: ${path} is ${what}, which JSON cannot carry`);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Refuses, before signing, what the `canonicalize` package would let through silently or wrongly:
 * a function or symbol inside an array is dropped (or yields `{"a":undefined}` in an object), undefined in an
 * array becomes null, a bigint throws a bare TypeError, and a Map, Date or Uint8Array is turned into something
 * else than what the caller holds. A signature must cover exactly the value the caller meant.
 * An object member whose value is undefined is an absent member, as in JSON.stringify and TypeScript's optional fields.
 */
function assertJson(value: unknown, path: string, stack: Set<object>): void {
  switch (typeof value) {
    case 'string':
      // canonicalize would refuse it too, but only after the walk: checking here lets checkJson() promise the text.
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) refuse(path, 'a string with a lone surrogate');
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) refuse(path, String(value));
      return;
    case 'undefined':
      return refuse(path, 'undefined');
    case 'object':
      break;
    default:
      return refuse(path, `a ${typeof value}`);
  }
  if (value === null) return;
  if (stack.has(value)) refuse(path, 'a circular reference');
  stack.add(value);
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => assertJson(item, `${path}[${i}]`, stack));
  } else {
    if (!isPlainObject(value)) refuse(path, `a ${value.constructor?.name ?? 'non-plain'} object`);
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) assertJson(member, `${path}.${key}`, stack);
    }
  }
  stack.delete(value);
}

/** The canonical text of a JSON value. Refuses what JSON cannot carry (undefined, functions, NaN, Infinity, …). */
export function canonicalJson(value: unknown): string {
  checkJson(value);
  return canonicalJsonOfParsed(value);
}

/**
 * Throws FormatError ('json.canonical') for anything canonicalJson would refuse; what passes, JSON.stringify
 * carries exactly, and canonicalJsonOfParsed of its JSON.parse gives canonicalJson's text.
 */
export function checkJson(value: unknown): void {
  assertJson(value, '$', new Set());
}

/**
 * The canonical text of a value fresh from JSON.parse, which can hold nothing but JSON: the walk that
 * canonicalJson does first is skipped (the audit canonicalizes every statement of a log).
 */
export function canonicalJsonOfParsed(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    // What the walk above does not check: lone surrogates in strings.
    throw new FormatError('json.canonical', `cannot canonicalize: ${(e as Error).message}`);
  }
  if (text === undefined) throw new FormatError('json.canonical', 'cannot canonicalize: value is not JSON');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

function keysInOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * True when `text` is exactly the canonical form of `value`, where `value` is what JSON.parse made of `text`.
 * Cheaper than canonicalizing (the audit asks this of every statement of a log): when every object's keys come in
 * JCS order (JavaScript's `<` on strings compares UTF-16 code units, as RFC 8785 sorts), JSON.stringify writes
 * numbers and strings exactly as JCS does. False means "not shown": canonicalize to be sure.
 */
export function isCanonicalTextOf(text: string, value: unknown): boolean {
  return JSON.stringify(value) === text && keysInOrder(value);
}
