/**
 * The schema's history, in code (no migration files to ship or lose). Kysely's Migrator records what ran in its
 * own table, so `migrate()` is safe on every start. A migration, once released, is never edited: add the next one.
 *
 * Dialect differences are kept to two, both here:
 *  - PostgreSQL text columns use the "C" collation, so that ORDER BY on text (authors, ISO times) is plain
 *    byte order as in SQLite, whatever locale the database was created with;
 *  - the evidence id is `integer primary key autoincrement` in SQLite and `serial` in PostgreSQL.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, type RawBuilder, sql } from 'kysely';
import type { SqlDialectName } from './schema.js';

/** Thrown when the schema could not be brought up to date; the store must not be used then. */
export class MigrationError extends Error {
  constructor(readonly migration: string | undefined, cause: unknown) {
    super(`storage migration ${migration ?? '(none)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/** The column type for text: PostgreSQL's "C" collation so that ORDER BY is byte order, as in SQLite. */
export function textType(dialect: SqlDialectName): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

/**
 * The column type for an integer id the database numbers (used as the primary key). In SQLite it is the rowid,
 * which may be handed out again after the highest row is deleted: for tables that never delete, or do not care.
 */
export function serialType(dialect: SqlDialectName): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`serial` : sql`integer`;
}

function migration001(dialect: SqlDialectName): Migration {
  const text = textType(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('statements')
        .addColumn('author', text, (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('hash', text, (c) => c.notNull().unique())
        .addColumn('text', text, (c) => c.notNull())
        .addColumn('type', text, (c) => c.notNull())
        .addColumn('case_id', text)
        .addColumn('time', text, (c) => c.notNull())
        .addColumn('stored_at', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('statements_pk', ['author', 'idx'])
        .execute();
      // The documented orders of statementsOfCase / statementsOfType / all statements: (time, author, idx).
      await db.schema.createIndex('statements_case').on('statements').columns(['case_id', 'time', 'author', 'idx']).execute();
      await db.schema.createIndex('statements_type').on('statements').columns(['type', 'time', 'author', 'idx']).execute();
      await db.schema.createIndex('statements_time').on('statements').columns(['time', 'author', 'idx']).execute();

      // Every distinct checkpoint seen is kept: two roots at one size is a fork, and both are the evidence.
      await db.schema
        .createTable('checkpoints')
        .addColumn('log', text, (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('root', text, (c) => c.notNull())
        .addColumn('note', text, (c) => c.notNull())
        .addColumn('seen_from', text, (c) => c.notNull())
        .addColumn('stored_at', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('checkpoints_pk', ['log', 'size', 'root'])
        .execute();

      await db.schema
        .createTable('cosignatures')
        .addColumn('log', text, (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('witness', text, (c) => c.notNull())
        .addColumn('line', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('cosignatures_pk', ['log', 'size', 'witness'])
        .execute();

      await db.schema
        .createTable('witness_records')
        .addColumn('log', text, (c) => c.primaryKey())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('root', text, (c) => c.notNull())
        .addColumn('note', text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('peer', text, (c) => c.primaryKey())
        .addColumn('acked_size', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', text)
        .addColumn('last_error', text)
        .addColumn('last_success_at', text)
        .execute();

      await db.schema
        .createTable('receipts')
        .addColumn('author', text, (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('party', text, (c) => c.notNull())
        .addColumn('receipt_index', 'integer', (c) => c.notNull())
        .addColumn('receipt_hash', text, (c) => c.notNull())
        .addColumn('text', text, (c) => c.notNull())
        .addColumn('stored_at', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('receipts_pk', ['author', 'idx', 'party'])
        .execute();

      await db.schema
        .createTable('evidence')
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('party', text, (c) => c.notNull())
        .addColumn('reported_by', text, (c) => c.notNull())
        .addColumn('summary', text, (c) => c.notNull())
        .addColumn('material', text, (c) => c.notNull())
        .addColumn('stored_at', text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('token_hash', text, (c) => c.primaryKey())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('role', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', text, (c) => c.primaryKey())
        .addColumn('value', text, (c) => c.notNull())
        .execute();
    },
  };
}

/** Every migration, by name; names sort in the order they run. */
export function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return { '001-initial': migration001(dialect) };
}

/** Brings the schema of `db` up to date; throws MigrationError (and leaves the failed migration rolled back). */
export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  await runMigrator(new Migrator({ db, provider }));
}

/** Runs a migrator to the latest migration; throws MigrationError naming the failed one (with `prefix/` if given). */
export async function runMigrator(migrator: Migrator, prefix?: string): Promise<void> {
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(prefix === undefined ? failed : failed ? `${prefix}/${failed}` : prefix, error);
  }
}
