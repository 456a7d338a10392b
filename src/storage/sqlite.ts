/**
 * The SQLite driver: one file, one better-sqlite3 connection, the shared Kysely implementation.
 *
 * Durability: WAL with `synchronous = FULL` fsyncs the WAL on every commit, so a statement acknowledged to a user
 * survives kill -9 *and* power loss. NORMAL would survive kill -9 only (the last commits may roll back after a power
 * cut), which a signed, acknowledged statement cannot afford: the node would later sign a different statement at
 * the same index, which is a fork.
 *
 * Other processes (the CLI adding a token while the node runs) may write the same file: transactions begin
 * IMMEDIATE, taking the write lock first and waiting for it up to busy_timeout. A deferred transaction that reads and
 * then writes would instead fail at once with "database is locked" when another process committed in between.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, SqliteAdapter, sql, Kysely, SqliteDialect, type SqliteDialectConfig, SqliteDriver, type SqliteDatabase,
} from 'kysely';
import { KyselyStore, type RelaxedCommit } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export interface SqliteOptions {
  /** FULL unless you are measuring what FULL costs: see the module comment. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process holding the file's lock (ms). */
  busyTimeoutMs?: number;
}

/** Opens (creating if needed) the store in `file`. Call migrate() before use. */
export function openSqliteStore(file: string, options: SqliteOptions = {}): Store {
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: keepingPrepared(database) }) });
  return new KyselyStore(db, 'sqlite', options.synchronous === 'NORMAL' ? undefined : commitWithoutFsync);
}

/**
 * A refetchable write (store.ts) under synchronous = NORMAL. SQLite refuses to change the level inside a
 * transaction, so it is changed around it — holding the one connection throughout, so that no other transaction
 * (a durable one, or a feature store's) can begin while the level is lowered.
 */
const commitWithoutFsync: RelaxedCommit = (db, writes) =>
  db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      await connection.transaction().execute(writes);
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection);
    }
  });

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

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
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
