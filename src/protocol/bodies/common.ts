/**
 * Pieces the statement bodies share: times, hashes, free text, time windows, the scope of an incident or an
 * announced activity (networks and sectors), TLP markings, and the person who acted.
 *
 * Free text is a plain string, kept exactly as written; a body that carries free text may say which language it is
 * in with `language` (a BCP 47 tag such as "ru" or "vi"). Nothing here translates: codes do that.
 */
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { isIPv4, isIPv6 } from 'node:net';
import { HASH_PATTERN, TIME_PATTERN } from '../statement.js';
import { TIERS } from '../agreement.js';

/** A time exactly as statement times are written (UTC, milliseconds) and a real date: "2026-02-30…" is refused. */
export function isStatementTime(v: string): boolean {
  return TIME_PATTERN.test(v) && !Number.isNaN(Date.parse(v)) && new Date(Date.parse(v)).toISOString() === v;
}

function ipv6ToBigInt(text: string): bigint {
  // Expand "::" and a trailing dotted IPv4 into eight 16-bit groups.
  let s = text;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = s.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * A network in CIDR notation, written as its network address: "192.0.2.0/24", "2001:db8::/32".
 * Host bits must be zero, so that one network has one spelling and two notices about it can be compared.
 */
export function isCidr(v: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const [, addr, bitsText] = m as unknown as [string, string, string];
  const bits = Number(bitsText);
  if (bitsText !== String(bits)) return false;
  if (isIPv4(addr)) {
    if (bits > 32 || addr.split('.').some((o) => o !== String(Number(o)))) return false;
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return bits === 0 ? n === 0 : n % 2 ** (32 - bits) === 0;
  }
  if (isIPv6(addr) && !addr.includes('%') && addr === addr.toLowerCase()) {
    if (bits > 128) return false;
    return (ipv6ToBigInt(addr) & ((1n << BigInt(128 - bits)) - 1n)) === 0n;
  }
  return false;
}

// Formats are a global registry in TypeBox; registering the same pure checks again is harmless.
FormatRegistry.Set('parley-time', isStatementTime);
FormatRegistry.Set('parley-cidr', isCidr);

export const Time = Type.String({ format: 'parley-time', description: 'UTC time like 2026-11-22T03:00:00.000Z' });
export const Hash = Type.String({ pattern: HASH_PATTERN.source, description: 'a statement hash: 64 lowercase hex digits' });
export const Cidr = Type.String({ format: 'parley-cidr', description: 'a network like 192.0.2.0/24' });
/** A code; its list is checked against the agreement's codebook, not here. */
export const Code = Type.String({ minLength: 1, maxLength: 130 });
export const Language = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 language tag' });
export const ShortText = Type.String({ minLength: 1, maxLength: 500 });
export const LongText = Type.String({ minLength: 1, maxLength: 20000 });
export const TierSchema = Type.Union(TIERS.map((t) => Type.Literal(t)));

/** Traffic Light Protocol 2.0: who the recipients may share the content with. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export const Tlp = Type.Union(TLP_LEVELS.map((t) => Type.Literal(t)));

/** A span of time; `end` after `start` is checked by the statement type. */
export const Window = Type.Object({ start: Time, end: Time }, { additionalProperties: false });
export type WindowBody = Static<typeof Window>;

/** What is concerned: networks (CIDR), sectors (e.g. "energy", "elections"), or both. */
export const Scope = Type.Object({
  networks: Type.Optional(Type.Array(Cidr, { uniqueItems: true, maxItems: 10000 })),
  sectors: Type.Optional(Type.Array(ShortText, { uniqueItems: true, maxItems: 100 })),
}, { additionalProperties: false });
export type ScopeBody = Static<typeof Scope>;

/** The person who acted for the party (an acknowledgement is a person's act, a receipt is the node's). */
export const Person = Type.Object({ name: ShortText, role: Type.Optional(ShortText) }, { additionalProperties: false });

/** Fields many bodies carry: the language of their free text and a TLP marking. */
export const textFields = {
  language: Type.Optional(Language),
  tlp: Type.Optional(Tlp),
};
