/**
 * The TAXII feature store: the STIX objects a node serves, one row per (collection, object id, version), each with
 * the statement it came from. It is a projection of the `indicators` and `sighting` statements the node holds, so it
 * can be rebuilt from the logs at any time; what it adds is an order to page in.
 *
 * That order is `seq`, a monotonic "added" sequence: listings are keyset pages on it (never OFFSET), so a page costs
 * the same at the millionth object as at the first, and a cursor is just the last `seq` served — it survives a
 * restart and skips or repeats nothing while others write. For that, rows must become visible in `seq` order: the
 * node is the only writer of these tables and all writes go through one queue (below), so a lower `seq` is never
 * committed after a higher one (PostgreSQL's sequences alone would not promise that across concurrent transactions).
 * `date_added` (microseconds) strictly increases with `seq` for the same reason, so `added_after` is a keyset too.
 */
import { type Kysely, sql } from 'kysely';
import { migrateFeature, serialType, textType, type StoreDatabase } from './feature-store.js';

/** Where a served object comes from: the signed statement that carried it. */
export interface Provenance {
  author: string;
  index: number;
  hash: string;
  sig: string;
  /** The statement's time (its author's clock). */
  time: string;
  tlp: string;
  to: string[];
  case: string | null;
}

export interface TaxiiObjectInput {
  collection: string;
  object: Record<string, unknown>;
  objectId: string;
  type: string;
  specVersion: string;
  /** The object's version as STIX writes it (modified, else created). */
  version: string;
}

export interface TaxiiObjectRow extends TaxiiObjectInput {
  seq: number;
  /** Microseconds since the epoch: when this node added the object. */
  dateAddedUs: number;
  provenance: Provenance;
}

/** Which versions of each object a listing returns (TAXII's match[version]). */
export interface VersionMatch {
  first: boolean;
  last: boolean;
  all: boolean;
  /** Specific versions, as sortable keys (versionKey). */
  keys: string[];
}

export interface ObjectQuery {
  collection: string;
  /** Only rows added after this one (the cursor). */
  afterSeq?: number;
  addedAfterUs?: number;
  ids?: string[];
  types?: string[];
  specVersions?: string[];
  versions: VersionMatch;
  limit: number;
}

export interface ObjectPage {
  rows: TaxiiObjectRow[];
  more: boolean;
}

/** A TAXII status resource as stored: its JSON, written once when the envelope was handled. */
export interface StoredStatus {
  id: string;
  json: string;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** A STIX timestamp as a key that sorts as time does, whatever its precision ("…:00Z" and "…:00.000Z" are equal). */
export function versionKey(timestamp: string): string {
  const m = TIMESTAMP.exec(timestamp);
  if (!m) return timestamp;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}

function migrations(database: StoreDatabase) {
  const text = textType(database.dialect);
  return {
    '001-taxii': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('taxii_objects')
          .addColumn('seq', serialType(database.dialect), (c) => c.primaryKey())
          .addColumn('collection', text, (c) => c.notNull())
          .addColumn('object_id', text, (c) => c.notNull())
          .addColumn('version', text, (c) => c.notNull())
          .addColumn('version_key', text, (c) => c.notNull())
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('spec_version', text, (c) => c.notNull())
          .addColumn('date_added', 'bigint', (c) => c.notNull())
          .addColumn('is_first', 'integer', (c) => c.notNull())
          .addColumn('is_last', 'integer', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('object', text, (c) => c.notNull())
          .addColumn('statement', text, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('taxii_objects_version').on('taxii_objects').columns(['collection', 'object_id', 'version_key']).unique().execute();
        await db.schema.createIndex('taxii_objects_page').on('taxii_objects').columns(['collection', 'seq']).execute();
        await db.schema.createIndex('taxii_objects_added').on('taxii_objects').columns(['date_added']).execute();
        // One row per statement added, with its provenance once (not once per object: an envelope holds up to 10,000).
        await db.schema.createTable('taxii_statements')
          .addColumn('hash', text, (c) => c.primaryKey())
          .addColumn('provenance', text, (c) => c.notNull())
          .execute();
        await db.schema.createTable('taxii_status')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('json', text, (c) => c.notNull())
          .execute();
      },
    },
  };
}

interface ObjectRecord {
  seq: number | string;
  collection: string;
  object_id: string;
  version: string;
  type: string;
  spec_version: string;
  date_added: number | string;
  object: string;
  statement: string;
  provenance: string;
}

/** A row as served; `parsed` keeps each statement's provenance parsed once per page (a page often shares one). */
function rowOf(r: ObjectRecord, parsed: Map<string, Provenance>): TaxiiObjectRow {
  let provenance = parsed.get(r.statement);
  if (!provenance) {
    provenance = JSON.parse(r.provenance) as Provenance;
    parsed.set(r.statement, provenance);
  }
  return {
    seq: Number(r.seq), collection: r.collection, objectId: r.object_id, version: r.version, type: r.type, specVersion: r.spec_version,
    dateAddedUs: Number(r.date_added), object: JSON.parse(r.object) as Record<string, unknown>, provenance,
  };
}

/** Rows per INSERT: well under SQLite's bound-parameter limit. */
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Existing {
  seq: number;
  key: string;
  first: boolean;
  last: boolean;
}

export class TaxiiStore {
  private queue: Promise<unknown> = Promise.resolve();
  private lastAddedUs = 0;

  private constructor(private readonly db: Kysely<any>, private readonly nowMs: () => number) {}

  static async open(database: StoreDatabase, nowMs: () => number): Promise<TaxiiStore> {
    await migrateFeature(database, 'taxii', migrations(database));
    const store = new TaxiiStore(database.db, nowMs);
    const last = await database.db.selectFrom('taxii_objects').select((eb) => eb.fn.max('date_added').as('m')).executeTakeFirst();
    store.lastAddedUs = Number(last?.m ?? 0);
    return store;
  }

  /** Runs writes one after another (see the file comment for why order matters). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async hasStatement(hash: string): Promise<boolean> {
    return (await this.db.selectFrom('taxii_statements').select('hash').where('hash', '=', hash).executeTakeFirst()) !== undefined;
  }

  /**
   * Adds what one statement carries, once: a statement already added is skipped, and so is an object version the
   * collection already holds (the first statement that carried it keeps the row). Returns how many rows were added.
   */
  addStatement(hash: string, provenance: Provenance, objects: readonly TaxiiObjectInput[]): Promise<number> {
    return this.serial(() => this.db.transaction().execute(async (tx) => {
      const marked = await tx.insertInto('taxii_statements').values({ hash, provenance: JSON.stringify(provenance) }).onConflict((oc) => oc.column('hash').doNothing()).executeTakeFirst();
      if (Number(marked.numInsertedOrUpdatedRows ?? 0n) === 0) return 0;
      let added = 0;
      for (const collection of new Set(objects.map((o) => o.collection))) {
        added += await this.addToCollection(tx, collection, hash, objects.filter((o) => o.collection === collection));
      }
      return added;
    }));
  }

  private async existingVersions(tx: Kysely<any>, collection: string, ids: string[]): Promise<Map<string, Existing[]>> {
    const byId = new Map<string, Existing[]>();
    for (const part of chunks(ids)) {
      const rows = await tx.selectFrom('taxii_objects').select(['seq', 'object_id', 'version_key', 'is_first', 'is_last'])
        .where('collection', '=', collection).where('deleted', '=', 0).where('object_id', 'in', part).execute();
      for (const r of rows) {
        const list = byId.get(r.object_id) ?? [];
        list.push({ seq: Number(r.seq), key: r.version_key, first: Number(r.is_first) === 1, last: Number(r.is_last) === 1 });
        byId.set(r.object_id, list);
      }
    }
    return byId;
  }

  private async addToCollection(tx: Kysely<any>, collection: string, hash: string, objects: readonly TaxiiObjectInput[]): Promise<number> {
    const existing = await this.existingVersions(tx, collection, [...new Set(objects.map((o) => o.objectId))]);
    const fresh: Array<TaxiiObjectInput & { key: string }> = [];
    for (const o of objects) {
      const key = versionKey(o.version);
      const versions = existing.get(o.objectId) ?? [];
      if (versions.some((v) => v.key === key)) continue;
      versions.push({ seq: -1 - fresh.length, key, first: false, last: false });
      existing.set(o.objectId, versions);
      fresh.push({ ...o, key });
    }
    if (fresh.length === 0) return 0;
    // Which version of each object is now the first and the last; rows already stored whose flag changes are updated.
    const flags = new Map<number, { first: boolean; last: boolean }>();
    for (const versions of existing.values()) {
      if (!versions.some((v) => v.seq < 0)) continue;
      const keys = versions.map((v) => v.key).sort();
      for (const v of versions) {
        const first = v.key === keys[0];
        const last = v.key === keys[keys.length - 1];
        if (v.seq < 0 || v.first !== first || v.last !== last) flags.set(v.seq, { first, last });
      }
    }
    for (const [seq, f] of flags) {
      if (seq < 0) continue;
      await tx.updateTable('taxii_objects').set({ is_first: f.first ? 1 : 0, is_last: f.last ? 1 : 0 }).where('seq', '=', seq).execute();
    }
    const rows = fresh.map((o, i) => {
      this.lastAddedUs = Math.max(this.nowMs() * 1000, this.lastAddedUs + 1);
      const f = flags.get(-1 - i)!;
      return {
        collection, object_id: o.objectId, version: o.version, version_key: o.key, type: o.type, spec_version: o.specVersion,
        date_added: this.lastAddedUs, is_first: f.first ? 1 : 0, is_last: f.last ? 1 : 0, deleted: 0, object: JSON.stringify(o.object), statement: hash,
      };
    });
    for (const part of chunks(rows)) await tx.insertInto('taxii_objects').values(part).execute();
    return rows.length;
  }

  /** One page of a collection's objects, in the order they were added. */
  page(q: ObjectQuery): Promise<ObjectPage> {
    return this.pageOn(this.db, q);
  }

  private async pageOn(db: Kysely<any>, q: ObjectQuery): Promise<ObjectPage> {
    let query = db.selectFrom('taxii_objects')
      .innerJoin('taxii_statements', 'taxii_statements.hash', 'taxii_objects.statement')
      .select(['seq', 'collection', 'object_id', 'version', 'type', 'spec_version', 'date_added', 'object', 'statement', 'provenance'])
      .where('collection', '=', q.collection).where('deleted', '=', 0);
    // added_after is a position too: date_added grows with seq, so it becomes a bound on seq and the page stays a
    // keyset read (a filter on date_added alone would scan the collection from its start).
    const after = Math.max(q.afterSeq ?? 0, q.addedAfterUs !== undefined ? await this.lastSeqAddedBy(db, q.addedAfterUs) : 0);
    if (after > 0) query = query.where('seq', '>', after);
    if (q.ids) query = query.where('object_id', 'in', q.ids);
    if (q.types) query = query.where('type', 'in', q.types);
    if (q.specVersions) query = query.where('spec_version', 'in', q.specVersions);
    const v = q.versions;
    if (!v.all) {
      query = query.where((eb) => eb.or([
        ...(v.first ? [eb('is_first', '=', 1)] : []),
        ...(v.last ? [eb('is_last', '=', 1)] : []),
        ...(v.keys.length > 0 ? [eb('version_key', 'in', v.keys)] : []),
      ]));
    }
    const rows = (await query.orderBy('seq').limit(q.limit + 1).execute()) as ObjectRecord[];
    const parsed = new Map<string, Provenance>();
    return { rows: rows.slice(0, q.limit).map((r) => rowOf(r, parsed)), more: rows.length > q.limit };
  }

  /** The last position added at or before `us` (0 if none). */
  private async lastSeqAddedBy(db: Kysely<any>, us: number): Promise<number> {
    const r = await db.selectFrom('taxii_objects').select('seq').where('date_added', '<=', us).orderBy('date_added', 'desc').limit(1).executeTakeFirst();
    return Number(r?.seq ?? 0);
  }

  /**
   * Deletes versions of an object from the collection (this node's TAXII view only: the signed statement stays in
   * its log). The row is kept, marked deleted, so that rebuilding the projection does not bring it back.
   */
  deleteObject(q: Omit<ObjectQuery, 'limit' | 'afterSeq' | 'addedAfterUs' | 'types'> & { objectId: string }): Promise<number> {
    return this.serial(() => this.db.transaction().execute(async (tx) => {
      const page = await this.pageOn(tx, { ...q, ids: [q.objectId], limit: 1_000_000 });
      if (page.rows.length === 0) return 0;
      await tx.updateTable('taxii_objects').set({ deleted: 1, is_first: 0, is_last: 0 }).where('seq', 'in', page.rows.map((r) => r.seq)).execute();
      const rest = await tx.selectFrom('taxii_objects').select(['seq', 'version_key']).where('collection', '=', q.collection)
        .where('object_id', '=', q.objectId).where('deleted', '=', 0).orderBy('version_key').execute();
      for (const [i, r] of rest.entries()) {
        await tx.updateTable('taxii_objects').set({ is_first: i === 0 ? 1 : 0, is_last: i === rest.length - 1 ? 1 : 0 }).where('seq', '=', r.seq).execute();
      }
      return page.rows.length;
    }));
  }

  async putStatus(status: StoredStatus): Promise<void> {
    await this.serial(() => this.db.insertInto('taxii_status').values({ id: status.id, json: status.json }).execute());
  }

  async status(id: string): Promise<StoredStatus | undefined> {
    const r = await this.db.selectFrom('taxii_status').select(['id', 'json']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, json: r.json } : undefined;
  }

  async count(collection: string): Promise<number> {
    const r = await this.db.selectFrom('taxii_objects').select(sql<number>`count(*)`.as('n')).where('collection', '=', collection).where('deleted', '=', 0).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
