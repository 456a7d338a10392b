import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../../src/storage/store.js';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from './api-fixture.js';
import { approveAsSecond } from './second-approver.js';

let f: ApiFixture;
before(async () => { f = await apiFixture(); });
after(async () => { await f.close(); });

async function call(method: 'GET' | 'POST', url: string, role: Role | undefined, payload?: unknown) {
  const res = await f.app.inject({ method, url, headers: role ? bearer(f.tokens[role]) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  const json = res.headers['content-type']?.toString().startsWith('application/json');
  return { status: res.statusCode, body: (json ? res.json() : { text: res.body }) as Record<string, unknown> };
}

/** Every route that needs a token, with the roles that may call it. */
const ROUTES: Array<{ method: 'GET' | 'POST'; url: string; roles: Role[]; payload?: unknown }> = [
  { method: 'GET', url: '/api/v1/cases', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/api/v1/peers', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/api/v1/evidence', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/api/v1/agreement', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/api/v1/codebook', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/metrics', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'GET', url: '/api/v1/tokens', roles: ['admin'] },
  { method: 'POST', url: '/api/v1/tokens', roles: ['admin'], payload: { name: 'x', role: 'auditor' } },
  { method: 'POST', url: '/api/v1/statements', roles: ['duty-officer', 'approver'], payload: { type: 'communication-check', body: {} } },
  { method: 'POST', url: '/api/v1/cases/avalon:none/escalate', roles: ['approver'], payload: { reason: 'overdue' } },
  { method: 'POST', url: '/api/v1/cases/avalon:none/close', roles: ['duty-officer', 'approver'], payload: { reason: 'resolved' } },
  { method: 'GET', url: '/api/v1/approvals', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
  { method: 'POST', url: '/api/v1/approvals/999/approve', roles: ['approver'] },
  { method: 'POST', url: '/api/v1/approvals/999/reject', roles: ['approver'], payload: { reason: 'no' } },
  { method: 'GET', url: '/api/v1/accounts', roles: ['admin'] },
  { method: 'POST', url: '/api/v1/accounts', roles: ['admin'], payload: { name: 'route-check', role: 'auditor' } },
  { method: 'GET', url: '/api/v1/compliance', roles: ['duty-officer', 'approver', 'auditor', 'admin'] },
];

describe('authentication', () => {
  test('without a token, or with one the node does not know, every protected route answers 401 auth.token', async () => {
    for (const r of ROUTES) {
      const none = await call(r.method, r.url, undefined, r.payload);
      assert.equal(none.status, 401, `${r.method} ${r.url}`);
      assert.equal(none.body.error, 'auth.token');
      const res = await f.app.inject({ method: r.method, url: r.url, headers: bearer('parley_not-a-real-token'), ...(r.payload ? { payload: r.payload as object } : {}) });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url} with a wrong token`);
    }
  });

  test('a malformed Authorization header is a missing token', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: `Basic ${f.tokens.admin}` } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="parley"');
  });

  test('/healthz needs no token', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
  });
});

describe('roles', () => {
  test('each route refuses the roles it does not list with 403 auth.role, and lets the others through', async () => {
    for (const r of ROUTES) {
      for (const role of ['duty-officer', 'approver', 'auditor', 'admin'] as Role[]) {
        const res = await call(r.method, r.url, role, r.payload);
        if (r.roles.includes(role)) assert.notEqual(res.status, 403, `${role} may ${r.method} ${r.url}: ${JSON.stringify(res.body)}`);
        else assert.deepEqual([res.status, res.body.error], [403, 'auth.role'], `${role} may not ${r.method} ${r.url}`);
      }
    }
  });

  test('a duty officer speaks at the technical tier; the diplomatic tier needs an approver', async () => {
    const diplomatic = notificationDraft('avalon:dip-1', 'diplomatic');
    const refused = await call('POST', '/api/v1/statements', 'duty-officer', diplomatic);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'auth.role');
    assert.match(String(refused.body.message), /diplomatic tier needs the approver role/);
    const technical = await call('POST', '/api/v1/statements', 'duty-officer', notificationDraft('avalon:tech-1'));
    assert.equal(technical.status, 201);
    const proposed = await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: bearer(f.tokens.approver), payload: diplomatic });
    assert.equal(proposed.json().approval.status, 'pending', 'an approver may propose it; it waits for a second approver');
    await approveAsSecond(f, proposed);
  });

  test('a duty officer may not add to a case that was escalated above the technical tier', async () => {
    assert.equal((await call('POST', '/api/v1/statements', 'approver', notificationDraft('avalon:esc-1'))).status, 201);
    assert.equal((await call('POST', '/api/v1/cases/avalon:esc-1/escalate', 'duty-officer', { reason: 'overdue' })).status, 403);
    const escalated = await f.app.inject({ method: 'POST', url: '/api/v1/cases/avalon:esc-1/escalate', headers: bearer(f.tokens.approver), payload: { reason: 'political-significance' } });
    await approveAsSecond(f, escalated);
    const closing = await call('POST', '/api/v1/cases/avalon:esc-1/close', 'duty-officer', { reason: 'resolved' });
    assert.equal(closing.status, 403);
    assert.match(String(closing.body.message), /diplomatic tier/);
    const closed = await f.app.inject({ method: 'POST', url: '/api/v1/cases/avalon:esc-1/close', headers: bearer(f.tokens.approver), payload: { reason: 'resolved' } });
    await approveAsSecond(f, closed);
  });

  test('receipts and key rotations are the node\'s to sign, whoever asks', async () => {
    for (const type of ['receipt', 'key-rotation']) {
      const res = await call('POST', '/api/v1/statements', 'approver', { type, body: {} });
      assert.equal(res.status, 403, type);
      assert.match(String(res.body.message), /signed by the node itself/);
    }
  });
});
