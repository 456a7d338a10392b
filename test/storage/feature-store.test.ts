import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely, Migration } from 'kysely';
import { migrateFeature, textType, type StoreDatabase } from '../../src/storage/feature-store.js';
import { MigrationError } from '../../src/storage/migrations.js';
import { forEachStore } from '../support/stores.js';

function notesTable(database: StoreDatabase): Record<string, Migration> {
  return {
    '001-notes': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('feature_notes').addColumn('id', textType(database.dialect), (c) => c.primaryKey()).execute();
      },
    },
  };
}

forEachStore('feature stores', (makeStore) => {
  it('migrate their own tables beside the core store, once, and keep their rows across a second migrate', async () => {
    const store = await makeStore();
    const { database } = store;
    await migrateFeature(database, 'notes', notesTable(database));
    await database.db.insertInto('feature_notes').values({ id: 'a' }).execute();
    await migrateFeature(database, 'notes', notesTable(database)); // already up to date: nothing runs again
    const rows = await database.db.selectFrom('feature_notes').selectAll().execute();
    assert.deepEqual(rows, [{ id: 'a' }]);
    assert.equal(await store.logSize('avalon'), 0, 'the core store still works');
  });

  it('name a failed migration with its feature, and roll it back', async () => {
    const { database } = await makeStore();
    const broken: Record<string, Migration> = {
      '001-half': {
        async up(db: Kysely<any>) {
          await db.schema.createTable('feature_half').addColumn('id', 'integer').execute();
          throw new Error('disk on fire');
        },
      },
    };
    await assert.rejects(migrateFeature(database, 'broken', broken), (err: unknown) => {
      assert.ok(err instanceof MigrationError);
      assert.match(err.message, /broken\/001-half/);
      assert.match(err.message, /disk on fire/);
      return true;
    });
    await assert.rejects(database.db.selectFrom('feature_half').selectAll().execute(), 'the half-made table was rolled back');
  });

  it('refuse a feature name that is not a plain identifier', async () => {
    const { database } = await makeStore();
    await assert.rejects(migrateFeature(database, 'x; drop table statements', {}), /must match/);
  });
});
