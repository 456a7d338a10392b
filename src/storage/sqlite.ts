/**
 * The SQLite driver: one file, one better-sqlite3 connection, the shared Kysely implementation.
 *
 * Durability: WAL with `synchronous = FULL` fsyncs the WAL on every commit, so a statement acknowledged to a user
 * survives kill -9 *and* power loss. NORMAL would survive kill -9 only (the last commits may roll back after a power
 * cut), which a signed, acknowledged statement cannot afford: the node would later sign a different statement at
 * the same index, which is a fork.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
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
  return new KyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite');
}
