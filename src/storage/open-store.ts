/** Chooses the driver from the node's configuration. */
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export type StoreConfig = { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const store = config.driver === 'sqlite' ? openSqliteStore(config.file) : openPostgresStore(config.url);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
