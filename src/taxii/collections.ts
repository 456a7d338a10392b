/**
 * The collections of an API root (one API root per agreement): one per party of the agreement, holding the objects
 * that party shared (and the sightings others reported on them). Ids are UUIDs derived from the agreement and the
 * party, so every node names a party's collection the same way and the ids never change across restarts.
 * A collection is also found by its party id (`/collections/avalon/`), for people typing URLs.
 */
import { createHash } from 'node:crypto';
import type { Agreement } from '../protocol/agreement.js';
import { STIX_MEDIA_TYPE } from './media-types.js';
import { TaxiiError } from './taxii-errors.js';

export interface TaxiiCollection {
  id: string;
  party: string;
  title: string;
  description: string;
}

/** A name-based UUID (version 5 layout) from SHA-256 of `text`. */
export function derivedUuid(text: string): string {
  const b = createHash('sha256').update(text, 'utf8').digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function collectionId(agreementId: string, party: string): string {
  return derivedUuid(`parley/taxii/collection\n${agreementId}\n${party}`);
}

export function collectionsOf(agreement: Agreement): TaxiiCollection[] {
  return agreement.parties.map((p) => {
    const name = p.names.en ?? Object.values(p.names)[0] ?? p.id;
    return {
      id: collectionId(agreement.id, p.id),
      party: p.id,
      title: `Shared by ${name}`,
      description: `STIX 2.1 objects ${name} (${p.id}) shared under agreement ${agreement.id}, each with its signed statement (x_parley_provenance), and the sightings reported back on them.`,
    };
  });
}

export function findCollection(agreement: Agreement, idOrParty: string): TaxiiCollection {
  const c = collectionsOf(agreement).find((x) => x.id === idOrParty || x.party === idOrParty);
  if (!c) throw new TaxiiError(404, 'taxii.collection', `no collection ${JSON.stringify(idOrParty.slice(0, 80))} in API root ${agreement.id}`);
  return c;
}

/** The TAXII collection resource, as the caller may use it. */
export function collectionResource(c: TaxiiCollection, access: { canRead: boolean; canWrite: boolean }) {
  return { id: c.id, title: c.title, description: c.description, alias: c.party, can_read: access.canRead, can_write: access.canWrite, media_types: [STIX_MEDIA_TYPE] };
}
