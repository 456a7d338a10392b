import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from './api-fixture.js';

let f: ApiFixture;
before(async () => { f = await apiFixture(); });
after(async () => { await f.close(); });

describe('OpenAPI', () => {
  test('/docs/json is an OpenAPI 3 document listing every route, with the roles and bearer security', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const expected = [
      'GET /healthz', 'GET /metrics',
      'POST /api/v1/statements', 'GET /api/v1/statements/{author}/{index}',
      'GET /api/v1/cases', 'GET /api/v1/cases/{id}',
      ...['acknowledge', 'request-information', 'respond', 'escalate', 'close'].map((a) => `POST /api/v1/cases/{id}/${a}`),
      'GET /api/v1/peers', 'GET /api/v1/evidence', 'GET /api/v1/agreement', 'GET /api/v1/codebook',
      'POST /api/v1/tokens', 'GET /api/v1/tokens',
      'GET /api/v1/approvals', 'POST /api/v1/approvals/{id}/approve', 'POST /api/v1/approvals/{id}/reject',
      'POST /api/v1/accounts', 'GET /api/v1/accounts', 'GET /api/v1/compliance',
      'POST /api/v1/session', 'GET /api/v1/session', 'DELETE /api/v1/session',
    ].sort();
    assert.deepEqual(operations, expected);
    const send = doc.paths['/api/v1/statements'].post;
    assert.deepEqual(send.security, [{ bearerAuth: [] }]);
    assert.match(send.description, /Roles: duty-officer, approver/);
    assert.equal(doc.paths['/healthz'].get.security, undefined);
  });

  test('/docs serves the browsable UI', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });
});

describe('health and metrics', () => {
  test('/healthz names the party and its log size', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual(res.json(), { status: 'ok', party: 'avalon', logSize: await f.node.store.logSize('avalon') });
  });

  test('/metrics counts appended statements and reads peers, overdue cases and alarms when scraped', async () => {
    await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: bearer(f.tokens['duty-officer']), payload: notificationDraft('avalon:m-1') });
    const res = await f.app.inject({ method: 'GET', url: '/metrics', headers: bearer(f.tokens.auditor) });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, /^parley_statements_appended_total\{party="avalon"\} 1$/m);
    assert.match(res.body, /^parley_pending_deliveries\{peer="borduria",party="avalon"\} 1$/m);
    assert.match(res.body, /^parley_peer_lag\{peer="borduria",party="avalon"\} 0$/m);
    assert.match(res.body, /^parley_overdue_cases\{party="avalon"\} 0$/m);
    assert.match(res.body, /^parley_alarms_total\{party="avalon"\} 0$/m);
    await f.fromPeer(notificationDraft('borduria:m-2'));
    const after = (await f.app.inject({ method: 'GET', url: '/metrics', headers: bearer(f.tokens.admin) })).body;
    assert.match(after, /^parley_statements_mirrored_total\{peer="borduria",party="avalon"\} 1$/m);
    for (const name of ['parley_statements_mirrored_total', 'parley_deliveries_total', 'parley_delivery_retries_total']) assert.match(res.body, new RegExp(`# TYPE ${name} counter`));
  });

  test('/healthz answers 503 when the store does not', async () => {
    const { apiFixture: make } = await import('./api-fixture.js');
    const broken = await make();
    await broken.node.store.close();
    const res = await broken.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().status, 'unavailable');
    await broken.app.close();
    await broken.peer.store.close();
  });
});

describe('tokens', () => {
  test('an admin creates a token shown once; the list has names and roles, never secrets', async () => {
    const created = await f.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(f.tokens.admin), payload: { name: 'night shift', role: 'duty-officer' } });
    assert.equal(created.statusCode, 201);
    const { token } = created.json();
    assert.match(token, /^parley_/);
    const cases = await f.app.inject({ method: 'GET', url: '/api/v1/cases', headers: bearer(token) });
    assert.equal(cases.statusCode, 200);
    const list = await f.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(f.tokens.admin) });
    assert.ok(list.json().some((t: { name: string; role: string }) => t.name === 'night shift' && t.role === 'duty-officer'));
    assert.ok(!list.body.includes(token));
    assert.ok(!/tokenHash|[0-9a-f]{64}/.test(list.body));
    assert.equal((await f.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(f.tokens.admin), payload: { name: 'x', role: 'root' } })).json().path, 'role');
  });

  test('no token used or created ever appears in the log', async () => {
    const created = await f.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(f.tokens.admin), payload: { name: 'auditor 2', role: 'auditor' } });
    await f.app.inject({ method: 'GET', url: '/api/v1/peers', headers: bearer(created.json().token) });
    await f.app.inject({ method: 'GET', url: '/api/v1/peers', headers: bearer('parley_wrong-token-value') });
    const log = f.logText();
    assert.match(log, /"url":"\/api\/v1\/peers"/, 'requests are logged');
    for (const token of [...Object.values(f.tokens), created.json().token, 'parley_wrong-token-value']) assert.ok(!log.includes(token), 'a token is in the log');
  });
});

describe('codebook', () => {
  test('labels in the language asked, English where missing', async () => {
    const ru = (await f.app.inject({ method: 'GET', url: '/api/v1/codebook?lang=ru', headers: bearer(f.tokens.auditor) })).json();
    const en = (await f.app.inject({ method: 'GET', url: '/api/v1/codebook', headers: bearer(f.tokens.auditor) })).json();
    const high = (b: { lists: { severity: Array<{ code: string; label: string }> } }) => b.lists.severity.find((e) => e.code === 'high')?.label;
    assert.notEqual(high(ru), high(en));
    assert.equal(en.lang, 'en');
    const xx = (await f.app.inject({ method: 'GET', url: '/api/v1/codebook?lang=de', headers: bearer(f.tokens.auditor) })).json();
    assert.equal(high(xx), high(en));
  });
});
