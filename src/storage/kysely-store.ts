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
import { applyWrites, asConflict, INT_MAX, sizeOf } from './write-transaction.js';
import type { StoreDatabase } from './feature-store.js';
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

type StatementRow = Database['statements'];

/** Rows per page when reading a whole log: keeps memory flat and every page an index range scan. */
const PAGE = 10_000;

/** An index bound as a 32-bit parameter: callers may pass Number.MAX_SAFE_INTEGER or Infinity for "to the end". */
function bound(n: number): number {
  return Math.max(-INT_MAX, Math.min(INT_MAX, n));
}

/** Runs `writes` in a transaction of its own whose commit does not wait for the disk. */
export type RelaxedCommit = (db: Kysely<Database>, writes: (tx: Transaction<Database>) => Promise<void>) => Promise<void>;

/**
 * How a driver makes a commit durable when the commit alone does not (SQLite: wal-sync.ts). write() defers the sync
 * of its transaction's commit and syncs after the connection is released, so the next transaction can be written
 * while the disk flushes this one.
 */
export interface Durability {
  /** Called inside a transaction: its COMMIT is not to be synced on the connection. */
  deferCommit(): void;
  /** Resolves once everything committed before the call is on the disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface KyselyStoreOptions {
  /** How this driver commits a refetchable write without waiting for the disk (PostgreSQL). */
  relaxed?: RelaxedCommit;
  /** Undefined: a commit is durable when it returns (PostgreSQL), or durability is off (benchmarks). */
  durability?: Durability;
}

export class KyselyStore implements Store {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialectName,
    private readonly options: KyselyStoreOptions = {},
  ) {}

  get database(): StoreDatabase {
    return { db: this.db, dialect: this.dialect };
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.db, this.dialect);
  }

  /** Closes the connection(s); calling it again waits for the first close. */
  close(): Promise<void> {
    this.closing ??= this.db.destroy().then(() => this.options.durability?.close());
    return this.closing;
  }

  async write(writes: StoreWrites): Promise<void> {
    const { relaxed, durability } = this.options;
    const refetchable = writes.refetchable === true;
    try {
      if (refetchable && relaxed) await relaxed(this.db, (tx) => applyWrites(tx, writes));
      else {
        await this.db.transaction().execute(async (tx) => {
          durability?.deferCommit();
          await applyWrites(tx, writes);
        });
      }
    } catch (err) {
      throw asConflict(err);
    }
    // Refetchable writes need not reach the disk now: the next durable write's sync carries them too.
    if (!refetchable && writes.flushLater !== true) await durability?.sync();
  }

  async flush(): Promise<void> {
    await this.options.durability?.sync();
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
