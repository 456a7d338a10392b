/**
 * What the TAXII server serves of a statement: its STIX objects, each with its provenance in a custom property
 * `x_parley_provenance` (STIX 2.1 custom properties, §11.1) — the author party, the statement's place in the
 * author's log (index), its hash, signature, time, TLP and addressees. Remove that property and the object is
 * exactly as the author signed it inside the statement (GET /api/v1/statements/<author>/<index> to verify).
 * A sighting statement is served as a STIX `sighting` object made from its body.
 */
import type { Statement } from '../protocol/statement.js';
import type { Provenance, TaxiiObjectInput, TaxiiObjectRow } from '../storage/taxii-store.js';
import { isTlpLevel, DEFAULT_TLP, mayRead, type TlpLevel } from '../stix/tlp.js';
import { derivedUuid } from './collections.js';

export const PROVENANCE_PROPERTY = 'x_parley_provenance';
export const SIGHTING_KIND_PROPERTY = 'x_parley_sighting_kind';

/** The statements the TAXII store is built from. */
export const TAXII_STATEMENT_TYPES = ['indicators', 'sighting'];

export interface StatementCarried {
  provenance: Provenance;
  objects: TaxiiObjectInput[];
}

function provenanceOf(s: Statement, hash: string, tlp: TlpLevel): Provenance {
  return { author: s.author, index: s.index, hash, sig: s.sig, time: s.time, tlp, to: s.to, case: s.case };
}

function input(collection: string, object: Record<string, unknown>, fallbackVersion: string): TaxiiObjectInput {
  const version = typeof object.modified === 'string' ? object.modified : typeof object.created === 'string' ? object.created : fallbackVersion;
  return {
    collection, object, objectId: String(object.id), type: String(object.type),
    specVersion: typeof object.spec_version === 'string' ? object.spec_version : '2.1', version,
  };
}

/** The STIX sighting a sighting statement stands for (its id derived from the statement's hash). */
export function sightingObject(s: Statement, hash: string): Record<string, unknown> {
  const b = s.body ?? {};
  return {
    type: 'sighting', spec_version: '2.1', id: typeof b.stix_id === 'string' ? b.stix_id : `sighting--${derivedUuid(`parley/taxii/sighting\n${hash}`)}`,
    created: s.time, modified: s.time, sighting_of_ref: b.object,
    ...(b.count !== undefined ? { count: b.count } : {}),
    ...(b.first_seen !== undefined ? { first_seen: b.first_seen } : {}),
    ...(b.last_seen !== undefined ? { last_seen: b.last_seen } : {}),
    ...(b.text !== undefined ? { description: b.text } : {}),
    [SIGHTING_KIND_PROPERTY]: b.kind,
  };
}

/**
 * What `party`'s node may serve of a statement, or undefined: a statement without a readable body (sealed to
 * others), of another type, or whose TLP keeps it from this party.
 */
export function carriedBy(party: string, s: Statement, hash: string): StatementCarried | undefined {
  if (s.body === undefined) return undefined;
  const tlp = isTlpLevel(s.body.tlp) ? s.body.tlp : DEFAULT_TLP;
  if (!mayRead(party, s, tlp)) return undefined;
  const provenance = provenanceOf(s, hash, tlp);
  if (s.type === 'indicators') {
    const objects = Array.isArray(s.body.objects) ? (s.body.objects as Array<Record<string, unknown>>) : [];
    return { provenance, objects: objects.map((o) => input(s.author, o, s.time)) };
  }
  if (s.type === 'sighting' && s.refs[0]) {
    return { provenance, objects: [input(s.refs[0].party, sightingObject(s, hash), s.time)] };
  }
  return undefined;
}

/** An object as the TAXII server serves it: as signed, plus its provenance. */
export function servedObject(row: TaxiiObjectRow): Record<string, unknown> {
  return { ...row.object, [PROVENANCE_PROPERTY]: provenanceJson(row.provenance) };
}

export function provenanceJson(p: Provenance) {
  return { author: p.author, index: p.index, hash: p.hash, sig: p.sig, time: p.time, tlp: p.tlp, to: p.to, case: p.case, statement: `/api/v1/statements/${p.author}/${p.index}` };
}
