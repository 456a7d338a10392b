/**
 * The filters of TAXII listings (objects, manifest, versions): added_after, limit, next, match[id], match[type],
 * match[version], match[spec_version] — parsed into a store query, each bad value refused with 400 naming it.
 */
import { versionKey, type ObjectQuery, type VersionMatch } from '../storage/taxii-store.js';
import { decodeCursor } from './pagination-cursor.js';
import { TaxiiError } from './taxii-errors.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 10_000;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;
const STIX_TYPE = /^[a-z][a-z0-9-]{0,249}$/;
const STIX_ID = /^[a-z][a-z0-9-]{0,249}--[0-9a-fA-F-]{36}$/;

export type Query = Record<string, string | string[] | undefined>;

/** A TAXII timestamp as microseconds since the epoch. */
export function timestampMicros(text: string, name: string): number {
  const m = TIMESTAMP.exec(text);
  const ms = m ? Date.parse(`${m[1]}Z`) : Number.NaN;
  if (!m || Number.isNaN(ms)) throw new TaxiiError(400, 'taxii.filter', `${name} must be a timestamp like 2026-11-22T03:00:00.000000Z (got ${JSON.stringify(text.slice(0, 40))})`);
  return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** Microseconds since the epoch as a TAXII timestamp (microsecond precision). */
export function microsTimestamp(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(us % 1000).padStart(3, '0')}Z`;
}

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw new TaxiiError(400, 'taxii.filter', `give ${name} once`);
  return v;
}

/** A match[…] filter: comma-separated values, possibly given several times. */
function list(q: Query, name: string): string[] | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const values = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
  if (values.length === 0) throw new TaxiiError(400, 'taxii.filter', `${name} is empty`);
  if (values.length > 1000) throw new TaxiiError(400, 'taxii.filter', `${name} lists more than 1000 values`);
  return values;
}

function checked(values: string[] | undefined, name: string, pattern: RegExp, what: string): string[] | undefined {
  const bad = values?.find((v) => !pattern.test(v));
  if (bad !== undefined) throw new TaxiiError(400, 'taxii.filter', `${name}: ${JSON.stringify(bad.slice(0, 80))} is not ${what}`);
  return values;
}

/** match[version]: "last" (the default), "first", "all", or versions (timestamps), combinable. */
export function versionMatch(q: Query): VersionMatch {
  const values = list(q, 'match[version]') ?? ['last'];
  const m: VersionMatch = { first: false, last: false, all: false, keys: [] };
  for (const v of values) {
    if (v === 'first') m.first = true;
    else if (v === 'last') m.last = true;
    else if (v === 'all') m.all = true;
    else {
      timestampMicros(v, 'match[version]');
      m.keys.push(versionKey(v));
    }
  }
  return m;
}

export function pageLimit(q: Query): number {
  const text = single(q, 'limit');
  if (text === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new TaxiiError(400, 'taxii.filter', `limit must be a positive integer (got ${JSON.stringify(text.slice(0, 20))})`);
  return Math.min(Number(text), MAX_PAGE);
}

/** The store query a listing's filters ask for, in `collection`. */
export function objectQuery(collection: string, q: Query, opts: { objectId?: string; defaultVersions?: 'last' | 'all' } = {}): ObjectQuery {
  const next = single(q, 'next');
  const addedAfter = single(q, 'added_after');
  const ids = opts.objectId ? [opts.objectId] : checked(list(q, 'match[id]'), 'match[id]', STIX_ID, 'a STIX id');
  const versions = opts.defaultVersions === 'all' && q['match[version]'] === undefined ? { first: false, last: false, all: true, keys: [] } : versionMatch(q);
  const specVersions = checked(list(q, 'match[spec_version]'), 'match[spec_version]', /^\d\.\d$/, 'a STIX version like 2.1');
  const types = checked(list(q, 'match[type]'), 'match[type]', STIX_TYPE, 'a STIX type');
  return {
    collection, versions, limit: pageLimit(q),
    ...(next !== undefined ? { afterSeq: decodeCursor(next) } : {}),
    ...(addedAfter !== undefined ? { addedAfterUs: timestampMicros(addedAfter, 'added_after') } : {}),
    ...(ids ? { ids } : {}),
    ...(types ? { types } : {}),
    ...(specVersions ? { specVersions } : {}),
  };
}
