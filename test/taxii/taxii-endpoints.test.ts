import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from '../api/api-fixture.js';
import { collectionId } from '../../src/taxii/collections.js';
import { buildApiServer } from '../../src/api/api-server.js';
import { createLogger } from '../../src/node/logger.js';
import { TAXII_MEDIA_TYPE } from '../../src/taxii/media-types.js';
import { getJson, indicator, postObjects, ROOT, taxiiHeaders } from './taxii-fixture.js';

describe('the TAXII 2.1 endpoints', () => {
  let f: ApiFixture;
  before(async () => { f = await apiFixture(); });
  after(async () => f.close());
  const reader = () => f.tokens.auditor;
  const poster = () => f.tokens['duty-officer'];

  it('discovery names the agreement\'s API root, which names TAXII 2.1', async () => {
    const d = await getJson(f.app, reader(), '/taxii2/');
    assert.equal(d.status, 200);
    assert.equal(d.headers['content-type'], `${TAXII_MEDIA_TYPE};charset=utf-8`);
    assert.deepEqual(d.body.api_roots, ['http://localhost:80/taxii2/avalon-borduria/']);
    const root = await getJson(f.app, reader(), `${ROOT}/`);
    assert.deepEqual(root.body.versions, [TAXII_MEDIA_TYPE]);
    assert.equal(typeof root.body.max_content_length, 'number');
    assert.equal((await getJson(f.app, reader(), '/taxii2/other-agreement/')).status, 404);
  });

  it('lists one collection per party, writable by senders only, found by id or party', async () => {
    const list = await getJson(f.app, reader(), `${ROOT}/collections/`);
    assert.deepEqual(list.body.collections.map((c: any) => [c.alias, c.can_read, c.can_write]), [['avalon', true, false], ['borduria', true, false]]);
    const one = await getJson(f.app, poster(), `${ROOT}/collections/${collectionId('avalon-borduria', 'avalon')}/`);
    assert.equal(one.body.alias, 'avalon');
    assert.equal(one.body.can_write, true);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/collections/nobody/`)).status, 404);
  });

  it('accepts the valid objects of an envelope, refuses the invalid ones with the schema\'s reason, and keeps the status', async () => {
    const good = [indicator(1), indicator(2)];
    const bad: Record<string, unknown> = { ...indicator(3), pattern_type: undefined };
    const posted = await postObjects(f.app, poster(), 'avalon', [good[0], bad, good[1]]);
    assert.equal(posted.status, 202);
    assert.equal(posted.body.status, 'complete');
    assert.deepEqual([posted.body.success_count, posted.body.failure_count, posted.body.total_count], [2, 1, 3]);
    assert.deepEqual(posted.body.successes.map((s: any) => s.id), good.map((g) => g.id));
    assert.equal(posted.body.failures[0].id, bad.id);
    assert.match(posted.body.failures[0].message, /pattern_type/);
    const again = await getJson(f.app, reader(), `${ROOT}/status/${posted.body.id}/`);
    assert.deepEqual(again.body, posted.body);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/status/00000000-0000-4000-8000-000000000000/`)).status, 404);
    // The objects are one signed indicators statement of this node's log, served with its provenance.
    const obj = await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/${good[0]!.id}/`);
    const p = obj.body.objects[0].x_parley_provenance;
    const statement = (await f.node.statement('avalon', p.index))!.statement;
    assert.equal(statement.hash, p.hash);
    assert.equal(statement.statement.type, 'indicators');
    assert.equal(statement.statement.sig, p.sig);
    assert.deepEqual(statement.statement.body!.objects, good);
    const { x_parley_provenance: _, ...asSigned } = obj.body.objects[0];
    assert.deepEqual(asSigned, good[0]);
    // Re-sharing a served object: the copied provenance is not signed, and the object is served with its new one.
    const reshared = await postObjects(f.app, poster(), 'avalon', [{ ...obj.body.objects[0], modified: '2026-11-24T00:00:00.000Z' }]);
    const resent = (await f.node.statementsOfType(['indicators'])).at(-1)!.statement;
    assert.equal(reshared.body.success_count, 1);
    assert.equal((resent.body!.objects as any[])[0].x_parley_provenance, undefined);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/${good[0]!.id}/`)).body.objects[0].x_parley_provenance.index, resent.index);
  });

  it('pages with limit and next, with the date-added headers, and filters by type, id and version', async () => {
    const objects = Array.from({ length: 5 }, (_, i) => indicator(100 + i));
    await postObjects(f.app, poster(), 'avalon', objects);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?limit=2&match[type]=indicator${next ? `&next=${next}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.objects.length <= 2);
      assert.ok(String(page.headers['x-taxii-date-added-first']) <= String(page.headers['x-taxii-date-added-last']));
      seen.push(...page.body.objects.map((o: any) => o.id));
      next = page.body.more ? page.body.next : undefined;
    } while (next);
    for (const o of objects) assert.ok(seen.includes(o.id as string));
    assert.equal(new Set(seen).size, seen.length);
    const byId = await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?match[id]=${objects[0]!.id},${objects[1]!.id}`);
    assert.deepEqual(byId.body.objects.map((o: any) => o.id), [objects[0]!.id, objects[1]!.id]);
    assert.deepEqual((await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?match[type]=malware`)).body, { more: false, objects: [] });
    const last = await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?added_after=${String(byId.headers['x-taxii-date-added-last'])}&match[id]=${objects[0]!.id},${objects[1]!.id}`);
    assert.deepEqual(last.body.objects, []);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?next=garbage!`)).status, 400);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?limit=0`)).status, 400);
    assert.equal((await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?added_after=yesterday`)).status, 400);
  });

  it('serves versions, the manifest with provenance, and deletes from the view', async () => {
    const v1 = indicator(200, { modified: '2026-11-22T03:10:00.000Z' });
    const v2 = { ...v1, modified: '2026-11-23T03:10:00.000Z', name: 'renamed' };
    await postObjects(f.app, poster(), 'avalon', [v1]);
    await postObjects(f.app, poster(), 'avalon', [v2]);
    const url = `${ROOT}/collections/avalon/objects/${v1.id}`;
    assert.deepEqual((await getJson(f.app, reader(), `${url}/versions/`)).body.versions, [v1.modified, v2.modified]);
    assert.deepEqual((await getJson(f.app, reader(), `${url}/`)).body.objects.map((o: any) => o.name), ['renamed']);
    assert.deepEqual((await getJson(f.app, reader(), `${url}/?match[version]=first`)).body.objects.map((o: any) => o.modified), [v1.modified]);
    assert.deepEqual((await getJson(f.app, reader(), `${url}/?match[version]=all`)).body.objects.length, 2);
    const manifest = await getJson(f.app, reader(), `${ROOT}/collections/avalon/manifest/?match[id]=${v1.id}&match[version]=all`);
    assert.deepEqual(manifest.body.objects.map((m: any) => [m.id, m.version, m.media_type]), [[v1.id, v1.modified, 'application/stix+json;version=2.1'], [v1.id, v2.modified, 'application/stix+json;version=2.1']]);
    assert.equal(manifest.body.objects[0].x_parley_provenance.author, 'avalon');
    const del = await f.app.inject({ method: 'DELETE', url: `${url}/?match[version]=${v2.modified}`, headers: taxiiHeaders(reader()) });
    assert.equal(del.statusCode, 403, 'an auditor may not delete');
    const ok = await f.app.inject({ method: 'DELETE', url: `${url}/?match[version]=${v2.modified}`, headers: taxiiHeaders(poster()) });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual((await getJson(f.app, reader(), `${url}/versions/`)).body.versions, [v1.modified]);
    assert.equal((await f.app.inject({ method: 'DELETE', url: `${url}/?match[version]=${v2.modified}`, headers: taxiiHeaders(poster()) })).statusCode, 404);
  });

  it('authenticates with Bearer or HTTP Basic (token as password), and refuses with 401 and 403', async () => {
    const url = `${ROOT}/collections/`;
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    assert.equal((await f.app.inject({ url, headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('opencti', reader()) } })).statusCode, 200);
    const none = await f.app.inject({ url, headers: { accept: TAXII_MEDIA_TYPE } });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /Basic/);
    assert.equal(none.json().http_status, '401');
    assert.equal((await f.app.inject({ url, headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('x', 'wrong') } })).statusCode, 401);
    const readerPost = await postObjects(f.app, reader(), 'avalon', [indicator(1)]);
    assert.equal(readerPost.status, 403);
    assert.equal(readerPost.body.error, 'auth.role');
  });

  it('answers 406 to a client that cannot take TAXII JSON, 415 to a body that is not an envelope type, 413 to one too large', async () => {
    const url = `${ROOT}/collections/avalon/objects/`;
    const h = taxiiHeaders(poster());
    assert.equal((await f.app.inject({ url, headers: { ...h, accept: 'text/html' } })).statusCode, 406);
    assert.equal((await f.app.inject({ url, headers: { ...h, accept: 'application/taxii+json;version=2.0' } })).statusCode, 406);
    assert.equal((await f.app.inject({ url, headers: { ...h, accept: 'application/stix+json;version=2.1' } })).statusCode, 200);
    assert.equal((await f.app.inject({ url: `${ROOT}/collections/`, headers: { ...h, accept: 'application/stix+json;version=2.1' } })).statusCode, 406);
    const payload = JSON.stringify({ objects: [indicator(1)] });
    for (const ct of ['application/json', 'text/plain', 'application/taxii+json;version=2.0']) {
      const r = await f.app.inject({ method: 'POST', url, headers: { ...h, 'content-type': ct }, payload });
      assert.equal(r.statusCode, 415, ct);
    }
    const big = JSON.stringify({ objects: [{ ...indicator(1), description: 'x'.repeat(7 * 1024 * 1024) }] });
    const r = await f.app.inject({ method: 'POST', url, headers: { ...h, 'content-type': TAXII_MEDIA_TYPE }, payload: big });
    assert.equal(r.statusCode, 413);
    const notJson = await f.app.inject({ method: 'POST', url, headers: { ...h, 'content-type': TAXII_MEDIA_TYPE }, payload: '{"objects": [' });
    assert.equal(notJson.statusCode, 400);
    assert.equal((await postObjects(f.app, poster(), 'avalon', [])).status, 400);
  });

  it('addresses by TLP: GREEN to everyone, RED only with named recipients', async () => {
    const green = await postObjects(f.app, poster(), 'avalon', [indicator(1, { tlp: 'GREEN' })]);
    assert.match(green.body.successes[0].message, /TLP:GREEN/);
    const red = await postObjects(f.app, poster(), 'avalon', [indicator(2, { tlp: 'RED' }), indicator(3, { tlp: 'GREEN' })]);
    assert.equal(red.status, 422);
    assert.equal(red.body.error, 'tlp.red-recipients');
    const named = await postObjects(f.app, poster(), 'avalon', [indicator(2, { tlp: 'RED' })], '?to=borduria');
    assert.equal(named.status, 202);
    assert.match(named.body.successes[0].message, /TLP:RED, to borduria/);
    assert.equal((await postObjects(f.app, poster(), 'avalon', [indicator(4)], '?to=mallory')).status, 400);
  });

  it('takes a sighting of a peer\'s object as a sighting statement back to that peer, shown in its collection', async () => {
    const theirs = indicator(300, { tlp: 'GREEN' });
    const h = await f.fromPeer({ type: 'indicators', to: ['avalon'], body: { tlp: 'GREEN', objects: [theirs] } });
    const peerObjects = await getJson(f.app, reader(), `${ROOT}/collections/borduria/objects/`);
    assert.ok(peerObjects.body.objects.some((o: any) => o.id === theirs.id && o.x_parley_provenance.hash === h.hash));
    const sighting = { type: 'sighting', spec_version: '2.1', id: 'sighting--6b0e3ad4-2e1b-4c51-9c5f-5c1b8e2f1a10', created: '2026-11-23T01:00:00.000Z', modified: '2026-11-23T01:00:00.000Z', sighting_of_ref: theirs.id, count: 2, x_parley_sighting_kind: 'false-positive' };
    const wrong = { ...sighting, id: 'sighting--6b0e3ad4-2e1b-4c51-9c5f-5c1b8e2f1a11', sighting_of_ref: 'indicator--6b0e3ad4-2e1b-4c51-9c5f-5c1b8e2f1a11' };
    const posted = await postObjects(f.app, poster(), 'borduria', [sighting, wrong, indicator(5)]);
    assert.equal(posted.status, 202);
    assert.deepEqual([posted.body.success_count, posted.body.failure_count], [1, 2]);
    const sent = (await f.node.statementsOfType(['sighting'])).at(-1)!.statement;
    assert.deepEqual(sent.to, ['borduria']);
    assert.deepEqual(sent.refs, [{ party: 'borduria', index: h.statement.index, hash: h.hash }]);
    assert.equal(sent.body!.kind, 'false-positive');
    const shown = await getJson(f.app, reader(), `${ROOT}/collections/borduria/objects/?match[type]=sighting`);
    assert.deepEqual(shown.body.objects.map((o: any) => [o.id, o.sighting_of_ref, o.x_parley_sighting_kind]), [[sighting.id, theirs.id, 'false-positive']]);
  });

  it('cites shared objects in a case, and the case view lists them', async () => {
    await f.node.send(notificationDraft('avalon:2026-0042'));
    const o = indicator(400);
    const posted = await postObjects(f.app, poster(), 'avalon', [o], '?case=avalon:2026-0042');
    assert.equal(posted.status, 202);
    const view = await f.app.inject({ url: '/api/v1/cases/avalon:2026-0042', headers: bearer(reader()) });
    const cited = view.json().stixObjects;
    assert.equal(cited.length, 1);
    assert.equal(cited[0].author, 'avalon');
    assert.deepEqual(cited[0].objects, [o]);
    const unknown = await postObjects(f.app, poster(), 'avalon', [indicator(401)], '?case=avalon:nope');
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error, 'taxii.case');
  });

  it('pages skip and repeat nothing while others post, and a cursor still works on a restarted server', async () => {
    const url = (next?: string) => `${ROOT}/collections/avalon/objects/?limit=3&match[type]=indicator${next ? `&next=${next}` : ''}`;
    const all = await getJson(f.app, reader(), `${ROOT}/collections/avalon/objects/?limit=10000&match[type]=indicator`);
    const seen: string[] = [];
    let next: string | undefined;
    let app = f.app;
    const added: string[] = [];
    for (let round = 0; ; round++) {
      const page = await getJson(app, reader(), url(next));
      assert.equal(page.status, 200);
      seen.push(...page.body.objects.map((o: any) => o.id));
      if (round < 3) {
        const more = [indicator(500 + round), indicator(600 + round)];
        await Promise.all(more.map((o) => postObjects(f.app, poster(), 'avalon', [o])));
        added.push(...more.map((o) => o.id as string));
      }
      if (round === 1) app = await buildApiServer({ node: f.node, logger: createLogger({ level: 'silent' }) }); // a restart
      if (!page.body.more) break;
      next = page.body.next;
    }
    if (app !== f.app) await app.close();
    assert.equal(new Set(seen).size, seen.length, 'nothing twice');
    assert.deepEqual(new Set(seen), new Set([...all.body.objects.map((o: any) => o.id), ...added]), 'nothing skipped');
  });
});
