/**
 * What KyselyStore.write() does inside its one transaction: the store's own invariants checked (contiguous logs,
 * unique hashes, receipts never replaced), then every kind of row written. A unique violation from a writer that
 * raced past the checks is reported as the same StoreConflictError (asConflict).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import {
  type DeliveryState,
  type Evidence,
  type StoredCheckpoint,
  type StoredCosignature,
  type StoredReceipt,
  type StoredStatement,
  type StoreWrites,
  type WitnessRecord,
  StoreConflictError,
} from './store.js';

type Tx = Transaction<Database>;

/** Rows per multi-row INSERT and per IN list: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;
const HEX32 = /^[0-9a-f]{64}$/;
/** Indices and sizes are 32-bit integer columns; PostgreSQL refuses a larger parameter rather than matching nothing. */
export const INT_MAX = 2 ** 31 - 1;

/** Applies every write of one StoreWrites, in a transaction the caller opened. */
export async function applyWrites(tx: Tx, writes: StoreWrites): Promise<void> {
  await appendStatements(tx, writes.statements ?? []);
  await addCheckpoints(tx, writes.checkpoints ?? []);
  await addCosignatures(tx, writes.cosignatures ?? []);
  await addReceipts(tx, writes.receipts ?? []);
  await addEvidence(tx, writes.evidence ?? []);
  await replaceWitnessRecords(tx, writes.witness ?? []);
  await replaceDeliveries(tx, writes.deliveries ?? []);
  await putSettings(tx, writes.settings ?? {});
}

export async function sizeOf(db: Kysely<Database> | Tx, author: string): Promise<number> {
  // max(idx) over the primary key is one index probe; count(*) would scan the whole log on PostgreSQL.
  const row = await db
    .selectFrom('statements')
    .select(({ fn }) => fn.max('idx').as('last'))
    .where('author', '=', author)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

async function appendStatements(tx: Tx, statements: StoredStatement[]): Promise<void> {
  if (statements.length === 0) return;
  statements.forEach(checkShape);
  const next = new Map<string, number>();
  for (const s of statements) {
    const expected = next.get(s.author) ?? (await sizeOf(tx, s.author));
    if (s.index < expected) {
      throw new StoreConflictError('log.index-taken', `${s.author}'s log already holds index ${s.index} (size ${expected})`);
    }
    if (s.index > expected) {
      throw new StoreConflictError('log.gap', `${s.author}'s log has size ${expected}: cannot append index ${s.index}`);
    }
    next.set(s.author, expected + 1);
  }
  await refuseKnownHashes(tx, statements.map((s) => s.hash));
  for (const chunk of chunks(statements)) await tx.insertInto('statements').values(chunk.map(toStatementRow)).execute();
}

function checkShape(s: StoredStatement): void {
  if (!Number.isInteger(s.index) || s.index < 0 || s.index > INT_MAX) {
    throw new TypeError(`statement index must be an integer in [0, ${INT_MAX}], got ${s.index}`);
  }
  // leafHashes() turns the hex back into bytes: anything but 32 bytes of lowercase hex would corrupt the tree.
  if (!HEX32.test(s.hash)) throw new TypeError(`statement hash must be 64 lowercase hex digits, got ${JSON.stringify(s.hash)}`);
}

async function refuseKnownHashes(tx: Tx, hashes: string[]): Promise<void> {
  const seen = new Set<string>();
  for (const h of hashes) {
    if (seen.has(h)) throw new StoreConflictError('statement.hash-taken', `statement ${h} appears twice in one write`);
    seen.add(h);
  }
  for (const chunk of chunks(hashes)) {
    const known = await tx.selectFrom('statements').select(['hash', 'author', 'idx']).where('hash', 'in', chunk).executeTakeFirst();
    if (known) {
      throw new StoreConflictError('statement.hash-taken', `statement ${known.hash} is already stored as ${known.author}/${known.idx}`);
    }
  }
}

async function addCheckpoints(tx: Tx, checkpoints: StoredCheckpoint[]): Promise<void> {
  // The same checkpoint shown again (by anyone) is already known: the first sighting is kept.
  for (const chunk of chunks(checkpoints)) {
    const rows = chunk.map((c) => ({
      log: c.log,
      size: c.size,
      root: c.root,
      note: c.note,
      seen_from: c.seenFrom,
      stored_at: c.storedAt,
    }));
    await tx.insertInto('checkpoints').values(rows).onConflict((oc) => oc.columns(['log', 'size', 'root']).doNothing()).execute();
  }
}

async function addCosignatures(tx: Tx, cosignatures: StoredCosignature[]): Promise<void> {
  // A witness cosigning the same size again only renews the timestamp in its line: the first line is kept.
  for (const chunk of chunks(cosignatures)) {
    await tx.insertInto('cosignatures').values(chunk).onConflict((oc) => oc.columns(['log', 'size', 'witness']).doNothing()).execute();
  }
}

async function addReceipts(tx: Tx, receipts: StoredReceipt[]): Promise<void> {
  for (const r of receipts) {
    const known = await tx
      .selectFrom('receipts')
      .select('receipt_hash')
      .where('author', '=', r.author)
      .where('idx', '=', r.index)
      .where('party', '=', r.party)
      .executeTakeFirst();
    if (known?.receipt_hash === r.receiptHash) continue;
    if (known) {
      throw new StoreConflictError('receipt.taken', `${r.party} already has a different receipt for ${r.author}/${r.index}`);
    }
    await tx
      .insertInto('receipts')
      .values({
        author: r.author,
        idx: r.index,
        party: r.party,
        receipt_index: r.receiptIndex,
        receipt_hash: r.receiptHash,
        text: r.text,
        stored_at: r.storedAt,
      })
      .execute();
  }
}

async function addEvidence(tx: Tx, evidence: Evidence[]): Promise<void> {
  for (const chunk of chunks(evidence)) {
    const rows = chunk.map((e) => ({
      kind: e.kind,
      party: e.party,
      reported_by: e.reportedBy,
      summary: e.summary,
      material: JSON.stringify(e.material ?? null),
      stored_at: e.storedAt,
    }));
    await tx.insertInto('evidence').values(rows).execute();
  }
}

async function replaceWitnessRecords(tx: Tx, records: WitnessRecord[]): Promise<void> {
  for (const w of records) {
    await tx
      .insertInto('witness_records')
      .values(w)
      .onConflict((oc) => oc.column('log').doUpdateSet({ size: w.size, root: w.root, note: w.note }))
      .execute();
  }
}

async function replaceDeliveries(tx: Tx, deliveries: DeliveryState[]): Promise<void> {
  for (const d of deliveries) {
    const row = {
      acked_size: d.ackedSize,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt,
      last_error: d.lastError,
      last_success_at: d.lastSuccessAt,
    };
    await tx
      .insertInto('deliveries')
      .values({ peer: d.peer, ...row })
      .onConflict((oc) => oc.column('peer').doUpdateSet(row))
      .execute();
  }
}

async function putSettings(tx: Tx, settings: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(settings)) {
    await tx.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/**
 * A unique violation that slipped past the checks (another writer committed in between, on PostgreSQL) means the
 * same thing as the check would have said: report it as a StoreConflictError, not as a driver error.
 */
export function asConflict(err: unknown): unknown {
  if (err instanceof StoreConflictError || !(err instanceof Error)) return err;
  const e = err as Error & { code?: string; constraint?: string };
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE';
  if (!unique) return err;
  const where = `${e.constraint ?? ''} ${e.message}`;
  if (/statements_pk|statements\.author/.test(where)) return new StoreConflictError('log.index-taken', `another writer appended first: ${e.message}`);
  if (/statements_hash|statements\.hash/.test(where)) return new StoreConflictError('statement.hash-taken', `statement already stored: ${e.message}`);
  if (/tokens/.test(where)) return new StoreConflictError('token.taken', 'a token with this hash is already registered');
  if (/receipts/.test(where)) return new StoreConflictError('receipt.taken', `another writer stored this receipt first: ${e.message}`);
  return new StoreConflictError('store.duplicate', e.message);
}

function toStatementRow(s: StoredStatement): Database['statements'] {
  return {
    author: s.author,
    idx: s.index,
    hash: s.hash,
    text: s.text,
    type: s.type,
    case_id: s.caseId,
    time: s.time,
    stored_at: s.storedAt,
  };
}
