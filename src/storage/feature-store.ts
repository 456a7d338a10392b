/**
 * Feature stores: storage for a capability built on top of the node (TAXII objects, console accounts, …), kept in
 * the node's own database but apart from the core `Store`, so that each feature's tables, migrations and queries
 * live in one file of their own and the core interface stays small.
 *
 * A feature store is opened from the core store's `database` handle: it shares the connection (and so SQLite's
 * single writer and its durability settings) and records its migrations in a Kysely migration table of its own
 * (`parley_migrations_<feature>`), so features migrate independently and in any order.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { runMigrator } from './migrations.js';
import type { SqlDialectName } from './schema.js';

/** The database a core store runs on, for feature stores in src/storage/ only. */
export interface StoreDatabase {
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
}

export { serialType, textType } from './migrations.js';

const FEATURE_NAME = /^[a-z][a-z0-9_]{0,30}$/;

/**
 * Brings a feature's tables up to date. `migrations` maps names (which sort in the order they run) to migrations;
 * released migrations are never edited. Throws MigrationError, leaving the failed migration rolled back.
 */
export async function migrateFeature(database: StoreDatabase, feature: string, migrations: Record<string, Migration>): Promise<void> {
  if (!FEATURE_NAME.test(feature)) throw new Error(`feature store name ${JSON.stringify(feature)} must match ${FEATURE_NAME}`);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db: database.db,
    provider,
    migrationTableName: `parley_migrations_${feature}`,
    migrationLockTableName: `parley_migrations_${feature}_lock`,
  });
  await runMigrator(migrator, feature);
}
