import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TaxiiStore, versionKey, type Provenance, type TaxiiObjectInput } from '../../src/storage/taxii-store.js';
import { forEachStore } from '../support/stores.js';

const ALL = { first: false, last: false, all: true, keys: [] };
const LAST = { first: false, last: true, all: false, keys: [] };

function provenance(index: number): Provenance {
  return { author: 'avalon', index, hash: index.toString(16).padStart(64, '0'), sig: 'c2ln', time: '2026-11-22T03:10:00.000Z', tlp: 'GREEN', to: ['borduria'], case: null };
}

function obj(n: number, modified = '2026-11-22T03:10:00.000Z', type = 'indicator'): TaxiiObjectInput {
  const id = `${type}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  return { collection: 'avalon', objectId: id, type, specVersion: '2.1', version: modified, object: { type, id, modified } };
}

forEachStore('the TAXII store', (makeStore) => {
  it('pages through everything, once, while another writer adds objects between pages', async () => {
    const store = await makeStore();
    const taxii = await TaxiiStore.open(store.database, Date.now);
    await taxii.addStatement('s0', provenance(0), Array.from({ length: 25 }, (_, i) => obj(i)));
    const seen: string[] = [];
    let afterSeq: number | undefined;
    let writes = 0;
    for (;;) {
      const page = await taxii.page({ collection: 'avalon', versions: LAST, limit: 7, ...(afterSeq !== undefined ? { afterSeq } : {}) });
      seen.push(...page.rows.map((r) => r.objectId));
      // Others write while the client pages: new objects, and concurrently at that.
      if (writes < 3) {
        writes++;
        await Promise.all([1, 2].map((k) => taxii.addStatement(`w${writes}-${k}`, provenance(writes * 10 + k), [obj(1000 + writes * 10 + k)])));
      }
      if (!page.more) break;
      afterSeq = page.rows[page.rows.length - 1]!.seq;
    }
    assert.equal(new Set(seen).size, seen.length, 'nothing served twice');
    assert.equal(seen.length, 31, 'the 25 objects and the 6 added while paging');
  });

  it('continues from a cursor after a restart (the store reopened)', async () => {
    const store = await makeStore();
    const first = await TaxiiStore.open(store.database, Date.now);
    await first.addStatement('s0', provenance(0), Array.from({ length: 10 }, (_, i) => obj(i)));
    const page = await first.page({ collection: 'avalon', versions: LAST, limit: 4 });
    const reopened = await TaxiiStore.open(store.database, Date.now);
    const rest = await reopened.page({ collection: 'avalon', versions: LAST, limit: 100, afterSeq: page.rows[3]!.seq });
    assert.deepEqual([...page.rows, ...rest.rows].map((r) => r.objectId), Array.from({ length: 10 }, (_, i) => obj(i).objectId));
  });

  it('adds a statement once, keeps the first copy of an object version, and tracks first and last versions', async () => {
    const store = await makeStore();
    const taxii = await TaxiiStore.open(store.database, Date.now);
    assert.equal(await taxii.addStatement('s1', provenance(1), [obj(1, '2026-11-22T03:10:00.000Z')]), 1);
    assert.equal(await taxii.addStatement('s1', provenance(1), [obj(1, '2026-11-22T03:10:00.000Z')]), 0);
    assert.equal(await taxii.hasStatement('s1'), true);
    // A later version, the same version written with less precision (a duplicate), and an earlier one.
    assert.equal(await taxii.addStatement('s2', provenance(2), [obj(1, '2026-11-23T00:00:00.000Z'), obj(1, '2026-11-22T03:10:00Z')]), 1);
    assert.equal(await taxii.addStatement('s3', provenance(3), [obj(1, '2026-11-21T00:00:00.000Z')]), 1);
    const versions = async (v: { first: boolean; last: boolean; all: boolean; keys: string[] }) =>
      (await taxii.page({ collection: 'avalon', versions: v, limit: 10 })).rows.map((r) => r.version);
    assert.deepEqual(await versions(LAST), ['2026-11-23T00:00:00.000Z']);
    assert.deepEqual(await versions({ first: true, last: false, all: false, keys: [] }), ['2026-11-21T00:00:00.000Z']);
    assert.deepEqual(await versions(ALL), ['2026-11-22T03:10:00.000Z', '2026-11-23T00:00:00.000Z', '2026-11-21T00:00:00.000Z']);
    assert.deepEqual(await versions({ first: false, last: false, all: false, keys: [versionKey('2026-11-22T03:10:00Z')] }), ['2026-11-22T03:10:00.000Z']);
    const row = (await taxii.page({ collection: 'avalon', versions: LAST, limit: 1 })).rows[0]!;
    assert.deepEqual(row.provenance, provenance(2));
  });

  it('filters by type, id, spec version and added_after, and dates strictly increase with the sequence', async () => {
    const store = await makeStore();
    const taxii = await TaxiiStore.open(store.database, () => 1_800_000_000_000); // a stopped clock
    await taxii.addStatement('s', provenance(0), [obj(1), obj(2, undefined, 'malware'), obj(3)]);
    const all = (await taxii.page({ collection: 'avalon', versions: LAST, limit: 10 })).rows;
    assert.ok(all[0]!.dateAddedUs < all[1]!.dateAddedUs && all[1]!.dateAddedUs < all[2]!.dateAddedUs);
    const q = { collection: 'avalon', versions: LAST, limit: 10 };
    assert.deepEqual((await taxii.page({ ...q, types: ['malware'] })).rows.map((r) => r.objectId), [obj(2).objectId.replace('indicator', 'malware')]);
    assert.deepEqual((await taxii.page({ ...q, ids: [obj(3).objectId] })).rows.length, 1);
    assert.deepEqual((await taxii.page({ ...q, specVersions: ['2.0'] })).rows.length, 0);
    assert.deepEqual((await taxii.page({ ...q, addedAfterUs: all[0]!.dateAddedUs })).rows.map((r) => r.seq), [all[1]!.seq, all[2]!.seq]);
    assert.deepEqual((await taxii.page({ ...q, collection: 'borduria' })).rows, []);
  });

  it('deletes versions from the view, for good: the statement added again brings nothing back', async () => {
    const store = await makeStore();
    const taxii = await TaxiiStore.open(store.database, Date.now);
    await taxii.addStatement('s1', provenance(1), [obj(1, '2026-11-22T03:10:00.000Z'), obj(1, '2026-11-23T03:10:00.000Z')]);
    assert.equal(await taxii.deleteObject({ collection: 'avalon', objectId: obj(1).objectId, versions: LAST }), 1);
    assert.deepEqual((await taxii.page({ collection: 'avalon', versions: LAST, limit: 10 })).rows.map((r) => r.version), ['2026-11-22T03:10:00.000Z']);
    assert.equal(await taxii.addStatement('s1', provenance(1), [obj(1, '2026-11-23T03:10:00.000Z')]), 0);
    assert.equal(await taxii.count('avalon'), 1);
  });
});
