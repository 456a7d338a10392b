/**
 * The one implementation of Store, over Kysely: sqlite.ts and postgres.ts only build the Kysely instance for their
 * dialect. All values travel as query parameters; no SQL is built from strings.
 *
 * Invariants the store itself enforces inside write()'s transaction (everything else is the caller's to verify):
 *  - per author, appended statements are contiguous from the stored size ('log.gap', 'log.index-taken');
 *  - a statement hash is stored once ('statement.hash-taken');
 *  - a receipt, once stored for (author, index, party), is never replaced by a different one ('receipt.taken');
 *  - a token hash is registered once ('token.taken').
 * The primary keys and unique indexes back these checks up, so that two writers racing on one PostgreSQL database
 * still cannot both win: the loser's unique violation is reported as the same StoreConflictError.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SqlDialectName } from './schema.js';
import { migrateToLatest } from './migrations.js';
import {
  type ApiToken,
  type DeliveryState,
  type Evidence,
  type EvidenceKind,
  type Role,
  type Store,
  type StoredCheckpoint,
  type StoredCosignature,
  type StoredReceipt,
  type StoredStatement,
  type StoreWrites,
  type WitnessRecord,
  StoreConflictError,
} from './store.js';

type Tx = Transaction<Database>;
type StatementRow = Database['statements'];

/** Rows per multi-row INSERT and per IN list: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;
/** Rows per page when reading a whole log: keeps memory flat and every page an index range scan. */
const PAGE = 10_000;
const HEX32 = /^[0-9a-f]{64}$/;
/** Indices and sizes are 32-bit integer columns; PostgreSQL refuses a larger parameter rather than matching nothing. */
const INT_MAX = 2 ** 31 - 1;

/** An index bound as a 32-bit parameter: callers may pass Number.MAX_SAFE_INTEGER or Infinity for "to the end". */
function bound(n: number): number {
  return Math.max(-INT_MAX, Math.min(INT_MAX, n));
}

export class KyselyStore implements Store {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialectName,
  ) {}

  async migrate(): Promise<void> {
    await migrateToLatest(this.db, this.dialect);
  }

  /** Closes the connection(s); calling it again waits for the first close. */
  close(): Promise<void> {
    this.closing ??= this.db.destroy();
    return this.closing;
  }

  async write(writes: StoreWrites): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await appendStatements(tx, writes.statements ?? []);
        await addCheckpoints(tx, writes.checkpoints ?? []);
        await addCosignatures(tx, writes.cosignatures ?? []);
        await addReceipts(tx, writes.receipts ?? []);
        await addEvidence(tx, writes.evidence ?? []);
        await replaceWitnessRecords(tx, writes.witness ?? []);
        await replaceDeliveries(tx, writes.deliveries ?? []);
        await putSettings(tx, writes.settings ?? {});
      });
    } catch (err) {
      throw asConflict(err);
    }
  }

  async logSize(author: string): Promise<number> {
    return sizeOf(this.db, author);
  }

  async logSizes(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('statements')
      .select(({ fn }) => ['author', fn.max('idx').as('last')])
      .groupBy('author')
      .orderBy('author')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.author, Number(r.last) + 1]));
  }

  async leafHashes(author: string): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let from = 0; ; from += PAGE) {
      const rows = await this.db
        .selectFrom('statements')
        .select('hash')
        .where('author', '=', author)
        .where('idx', '>=', from)
        .where('idx', '<', from + PAGE)
        .orderBy('idx')
        .execute();
      // One buffer per page, one 32-byte view per leaf: a million hashes are a million views, not a million buffers.
      const page = new Uint8Array(rows.length * 32);
      rows.forEach((r, i) => {
        page.set(Buffer.from(r.hash, 'hex'), i * 32);
        out.push(page.subarray(i * 32, i * 32 + 32));
      });
      if (rows.length < PAGE) return out;
    }
  }

  async statements(author: string, from: number, to: number): Promise<StoredStatement[]> {
    const rows = await this.db
      .selectFrom('statements')
      .selectAll()
      .where('author', '=', author)
      .where('idx', '>=', bound(from))
      .where('idx', '<', bound(to))
      .orderBy('idx')
      .execute();
    return rows.map(toStatement);
  }

  async statement(author: string, index: number): Promise<StoredStatement | undefined> {
    const row = await this.db
      .selectFrom('statements')
      .selectAll()
      .where('author', '=', author)
      .where('idx', '=', bound(index))
      .executeTakeFirst();
    return row && toStatement(row);
  }

  async statementByHash(hash: string): Promise<StoredStatement | undefined> {
    const row = await this.db.selectFrom('statements').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toStatement(row);
  }

  async statementsOfCase(caseId?: string): Promise<StoredStatement[]> {
    let query = this.db.selectFrom('statements').selectAll();
    if (caseId !== undefined) query = query.where('case_id', '=', caseId);
    const rows = await query.orderBy('time').orderBy('author').orderBy('idx').execute();
    return rows.map(toStatement);
  }

  async statementsOfType(types: string[]): Promise<StoredStatement[]> {
    if (types.length === 0) return [];
    const rows = await this.db
      .selectFrom('statements')
      .selectAll()
      .where('type', 'in', types)
      .orderBy('time')
      .orderBy('author')
      .orderBy('idx')
      .execute();
    return rows.map(toStatement);
  }

  async latestCheckpoint(log: string): Promise<StoredCheckpoint | undefined> {
    const row = await this.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('log', '=', log)
      .orderBy('size', 'desc')
      .orderBy('stored_at')
      .orderBy('root')
      .executeTakeFirst();
    return row && toCheckpoint(row);
  }

  async checkpoints(log: string): Promise<StoredCheckpoint[]> {
    const rows = await this.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('log', '=', log)
      .orderBy('size')
      .orderBy('stored_at')
      .orderBy('root')
      .execute();
    return rows.map(toCheckpoint);
  }

  async cosignatures(log: string, size?: number): Promise<StoredCosignature[]> {
    let query = this.db.selectFrom('cosignatures').selectAll().where('log', '=', log);
    if (size !== undefined) query = query.where('size', '=', bound(size));
    return query.orderBy('size').orderBy('witness').execute();
  }

  async witnessRecord(log: string): Promise<WitnessRecord | undefined> {
    return this.db.selectFrom('witness_records').selectAll().where('log', '=', log).executeTakeFirst();
  }

  async deliveries(): Promise<DeliveryState[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().orderBy('peer').execute();
    return rows.map(toDelivery);
  }

  async delivery(peer: string): Promise<DeliveryState | undefined> {
    const row = await this.db.selectFrom('deliveries').selectAll().where('peer', '=', peer).executeTakeFirst();
    return row && toDelivery(row);
  }

  async receipts(author: string, index?: number): Promise<StoredReceipt[]> {
    let query = this.db.selectFrom('receipts').selectAll().where('author', '=', author);
    if (index !== undefined) query = query.where('idx', '=', bound(index));
    const rows = await query.orderBy('idx').orderBy('party').execute();
    return rows.map(toReceipt);
  }

  async receipt(author: string, index: number, party: string): Promise<StoredReceipt | undefined> {
    const row = await this.db
      .selectFrom('receipts')
      .selectAll()
      .where('author', '=', author)
      .where('idx', '=', bound(index))
      .where('party', '=', party)
      .executeTakeFirst();
    return row && toReceipt(row);
  }

  async evidence(): Promise<Evidence[]> {
    const rows = await this.db.selectFrom('evidence').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as EvidenceKind,
      party: r.party,
      reportedBy: r.reported_by,
      summary: r.summary,
      material: JSON.parse(r.material) as unknown,
      storedAt: r.stored_at,
    }));
  }

  async addToken(token: ApiToken): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        const taken = await tx.selectFrom('tokens').select('token_hash').where('token_hash', '=', token.tokenHash).executeTakeFirst();
        if (taken) throw new StoreConflictError('token.taken', `a token with this hash is already registered`);
        await tx
          .insertInto('tokens')
          .values({ token_hash: token.tokenHash, name: token.name, role: token.role, created_at: token.createdAt })
          .execute();
      });
    } catch (err) {
      throw asConflict(err);
    }
  }

  async tokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toToken(row);
  }

  async tokens(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().orderBy('created_at').orderBy('name').execute();
    return rows.map(toToken);
  }

  async setting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }
}

async function sizeOf(db: Kysely<Database> | Tx, author: string): Promise<number> {
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
function asConflict(err: unknown): unknown {
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

function toStatementRow(s: StoredStatement): StatementRow {
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

function toStatement(r: StatementRow): StoredStatement {
  return {
    author: r.author,
    index: r.idx,
    hash: r.hash,
    text: r.text,
    type: r.type,
    caseId: r.case_id,
    time: r.time,
    storedAt: r.stored_at,
  };
}

function toCheckpoint(r: Database['checkpoints']): StoredCheckpoint {
  return { log: r.log, size: r.size, root: r.root, note: r.note, seenFrom: r.seen_from, storedAt: r.stored_at };
}

function toDelivery(r: Database['deliveries']): DeliveryState {
  return {
    peer: r.peer,
    ackedSize: r.acked_size,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    lastSuccessAt: r.last_success_at,
  };
}

function toReceipt(r: Database['receipts']): StoredReceipt {
  return {
    author: r.author,
    index: r.idx,
    party: r.party,
    receiptIndex: r.receipt_index,
    receiptHash: r.receipt_hash,
    text: r.text,
    storedAt: r.stored_at,
  };
}

function toToken(r: Database['tokens']): ApiToken {
  return { tokenHash: r.token_hash, name: r.name, role: r.role as Role, createdAt: r.created_at };
}
