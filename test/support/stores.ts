/**
 * Runs one node:test suite on every storage driver:
 *
 *   forEachStore('my feature', (makeStore, driver) => {
 *     it('does something', async () => {
 *       const store = await makeStore(); // fresh, empty, migrated; closed after the test
 *       ...
 *     });
 *   });
 *
 * registers "my feature [sqlite]" (a new file per store) and "my feature [postgres]" (a new database per store,
 * on the server test/support/postgres.ts provisions). PostgreSQL tests fail, never skip, when no server can be had.
 */
import { join } from 'node:path';
import { afterEach, describe } from 'node:test';
import { openPostgresStore } from '../../src/storage/postgres.js';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import type { Store } from '../../src/storage/store.js';
import { testPostgres } from './postgres.js';
import { tempDir } from './temp.js';

export type StoreDriver = 'sqlite' | 'postgres';
export const STORE_DRIVERS: readonly StoreDriver[] = ['sqlite', 'postgres'];

/** A fresh, empty, migrated store, closed automatically after the test that made it. */
export type MakeStore = () => Promise<Store>;

let files = 0;

export function forEachStore(name: string, suite: (makeStore: MakeStore, driver: StoreDriver) => void): void {
  for (const driver of STORE_DRIVERS) {
    describe(`${name} [${driver}]`, () => {
      const dir = driver === 'sqlite' ? tempDir('parley-store-') : '';
      const opened: Store[] = [];
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((s) => s.close()));
      });
      const makeStore: MakeStore = async () => {
        const store =
          driver === 'sqlite'
            ? openSqliteStore(join(dir, `store-${++files}.db`))
            : openPostgresStore(await (await testPostgres()).freshDatabase());
        opened.push(store);
        await store.migrate();
        return store;
      };
      suite(makeStore, driver);
    });
  }
}
