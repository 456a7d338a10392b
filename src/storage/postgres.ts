/**
 * The PostgreSQL driver: a pg connection pool, the shared Kysely implementation. Durability is the server's
 * (`synchronous_commit = on`, its default, makes a commit durable when it returns).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { KyselyStore, type RelaxedCommit } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export interface PostgresOptions {
  /** Connections in the pool. */
  maxConnections?: number;
}

/** Opens a store on the database at `url` (postgres://user:password@host:port/database). Call migrate() before use. */
export function openPostgresStore(url: string, options: PostgresOptions = {}): Store {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle connection that breaks (server restart) is emitted on the pool; unhandled, it would end the process.
  // The next query gets a fresh connection or fails with its own error, which is where it is reported.
  pool.on('error', () => undefined);
  return new KyselyStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', { relaxed: commitAsynchronously });
}

/** A refetchable write (store.ts) with synchronous_commit off for its own transaction only (SET LOCAL). */
const commitAsynchronously: RelaxedCommit = (db, writes) =>
  db.transaction().execute(async (tx) => {
    await sql`set local synchronous_commit = off`.execute(tx);
    await writes(tx);
  });
