/**
 * The SQLite driver: one file, one better-sqlite3 connection, the shared Kysely implementation.
 *
 * Durability: a write resolves only once its commit is on the disk, so a statement acknowledged to a user survives
 * kill -9 *and* power loss. Losing the last commits on a power cut is not an option for a signed, acknowledged
 * statement: the node would later sign a different statement at the same index, which is a fork. The connection runs
 * WAL with `synchronous = NORMAL` and the node fdatasyncs the WAL itself, off the event loop (wal-sync.ts): the same
 * guarantee as FULL, without stopping the node for the disk. Every commit is synced before the connection is handed
 * on — including feature stores' writes and migrations — except the core store's write(), which syncs after handing
 * it on (so the next transaction can be written meanwhile) and skips the sync for refetchable writes (store.ts).
 *
 * Other processes (the CLI adding a token while the node runs) may write the same file: transactions begin
 * IMMEDIATE, taking the write lock first and waiting for it up to busy_timeout. A deferred transaction that reads and
 * then writes would instead fail at once with "database is locked" when another process committed in between.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, type QueryResult, SqliteAdapter, Kysely, SqliteDialect, type SqliteDialectConfig, SqliteDriver, type SqliteDatabase,
} from 'kysely';
import { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { WalSync, type SyncFile } from './wal-sync.js';

export interface SqliteOptions {
  /** False only to measure what durability costs (benchmarks): commits are then never flushed to the disk. */
  durable?: boolean;
  /** How long a write waits for another process holding the file's lock (ms). */
  busyTimeoutMs?: number;
  /** How the WAL is flushed (tests observe acknowledgements with it); default FileHandle.datasync(). */
  syncFile?: SyncFile;
}

/** Opens (creating if needed) the store in `file`. Call migrate() before use. */
export function openSqliteStore(file: string, options: SqliteOptions = {}): Store {
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  database.pragma('foreign_keys = ON');
  const wal = options.durable === false ? undefined : new WalSync(`${file}-wal`, options.syncFile);
  const dialect = new DurableSqliteDialect({ database: keepingPrepared(database) }, database, wal);
  return new KyselyStore(new Kysely<Database>({ dialect }), 'sqlite', wal ? { durability: wal } : {});
}

/** How many distinct SQL texts stay prepared (the store sends a few dozen; multi-row inserts vary with the row count). */
const PREPARED = 256;

/**
 * Kysely asks better-sqlite3 to prepare every query it runs, and preparing costs as much as running a small one.
 * A node sends the same few SQL texts over and over, so they are kept prepared, least recently used dropped first.
 * Reusing a statement is safe because the single connection runs one query at a time, and the store never streams
 * (a statement being iterated could not be reused meanwhile); SQLite re-prepares a statement itself after a
 * schema change.
 */
function keepingPrepared(database: BetterSqlite3.Database): SqliteDatabase {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = prepared.get(sql);
      if (statement) prepared.delete(sql); // re-inserted below: the most recently used last
      else statement = database.prepare(sql);
      prepared.set(sql, statement);
      if (prepared.size > PREPARED) prepared.delete(prepared.keys().next().value as string);
      return statement;
    },
  };
}

/** Begins transactions IMMEDIATE (module comment) and syncs each commit before the connection is handed on. */
class DurableSqliteDriver extends SqliteDriver {
  private connection: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, private readonly database: BetterSqlite3.Database, private readonly wal: WalSync | undefined) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    this.connection ??= this.wal ? syncingConnection(inner, this.database, this.wal) : inner;
    return this.connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.wal?.resetDeferral();
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.wal?.resetDeferral(); // a deferral belonged to the rolled-back transaction, not to the next write
    await super.rollbackTransaction(connection);
  }
}

/**
 * The connection, waiting for the WAL to reach the disk after every commit: a COMMIT, or a write outside a
 * transaction (which SQLite commits on its own) — unless the transaction's caller deferred the sync.
 */
function syncingConnection(inner: DatabaseConnection, database: BetterSqlite3.Database, wal: WalSync): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const result = await inner.executeQuery<R>(query);
      if (!database.inTransaction && !isRead(query) && wal.takeCommit()) await wal.sync();
      return result;
    },
    streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
  };
}

/** Selects and pragma reads change nothing; everything else (INSERT, UPDATE, DELETE, DDL, COMMIT) may have. */
function isRead(query: CompiledQuery): boolean {
  return query.query.kind === 'SelectQueryNode' || /^\s*(select\b|rollback\b|pragma \w+\s*$)/i.test(query.sql);
}

class DurableSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig, private readonly database: BetterSqlite3.Database, private readonly wal: WalSync | undefined) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(this.config, this.database, this.wal);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite runs CREATE TABLE inside a transaction like any other statement, but Kysely's adapter says it cannot, and
 * its Migrator then runs migrations outside one: a migration that fails halfway would leave half a schema behind.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
