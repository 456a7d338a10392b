/** Console sessions against a real node's API: cookie, CSRF, TOTP, rate limit, the two-person rule, the pages' CSP. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApiServer } from '../../src/api/api-server.js';
import { AccountStore } from '../../src/storage/account-store.js';
import { createAccount } from '../../src/console/accounts.js';
import { base32Decode, totp } from '../../src/console/totp.js';
import { CSRF_HEADER } from '../../src/console/session.js';
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../src/console/session-routes.js';
import { createLogger } from '../../src/node/logger.js';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from '../api/api-fixture.js';
import { tempDir } from '../support/temp.js';

let f: ApiFixture;
let accounts: AccountStore;
const passwords: Record<string, string> = {};
let totpSecret = '';
before(async () => {
  f = await apiFixture();
  accounts = await AccountStore.open(f.node.store.database);
  for (const [name, role] of [['ann', 'duty-officer'], ['alice', 'approver'], ['bob', 'approver']] as const) {
    passwords[name] = (await createAccount(accounts, name, role)).password;
  }
  const withCode = await createAccount(accounts, 'carol', 'approver', { totp: true });
  passwords.carol = withCode.password;
  totpSecret = withCode.account.totpSecret!;
  await f.fromPeer(notificationDraft('borduria:2026-9'));
});
after(async () => { await f.close(); });

interface Login { cookie: string; csrf: string; setCookie: string }

// Each login from an address of its own: the rate limit is tested on its own below.
let addresses = 0;
async function login(name: string, password = passwords[name]!, code?: string): Promise<Login> {
  const res = await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: `198.51.100.${++addresses}`, payload: { name, password, ...(code ? { code } : {}) } });
  assert.equal(res.statusCode, 201, res.body);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, csrf: res.json().csrf as string, setCookie };
}

/** A request of the session; `csrf` null sends no CSRF header. */
function asSession(s: Login, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, csrf: string | null = s.csrf) {
  return f.app.inject({ method, url, headers: { cookie: s.cookie, ...(csrf !== null ? { [CSRF_HEADER]: csrf } : {}) }, ...(payload ? { payload } : {}) });
}

describe('console sessions', () => {
  test('a login sets an HttpOnly, SameSite=Strict, Secure cookie and answers who it is with the CSRF token', async () => {
    const s = await login('ann');
    assert.match(s.setCookie, /parley_session=[A-Za-z0-9_-]{40,}/);
    for (const flag of [/HttpOnly/, /SameSite=Strict/, /Secure/, /Path=\//]) assert.match(s.setCookie, flag);
    const me = (await asSession(s, 'GET', '/api/v1/session')).json() as Record<string, unknown>;
    assert.deepEqual([me.name, me.role, me.party, me.csrf], ['ann', 'duty-officer', 'avalon', s.csrf]);
    assert.equal((await asSession(s, 'GET', '/api/v1/cases')).statusCode, 200, 'the session reads like a token of its role');
  });

  test('a wrong password or an unknown name gets the same refusal', async () => {
    for (const [name, password] of [['ann', 'wrong'], ['nobody', 'wrong']]) {
      const res = await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '203.0.113.3', payload: { name, password } });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'auth.login');
    }
  });

  test('a change without the session\'s CSRF token is refused, with it the session acts in its role', async () => {
    const s = await login('ann');
    const other = await login('bob');
    for (const csrf of [null, other.csrf, 'x'.repeat(43)]) {
      const res = await asSession(s, 'POST', '/api/v1/cases/borduria:2026-9/acknowledge', { by: { name: 'Ann' } }, csrf);
      assert.equal(res.statusCode, 403, String(csrf));
      assert.equal(res.json().error, 'auth.csrf');
    }
    const ok = await asSession(s, 'POST', '/api/v1/cases/borduria:2026-9/acknowledge', { by: { name: 'Ann' } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal((await asSession(s, 'GET', '/api/v1/accounts')).statusCode, 403, 'a duty officer is not an admin');
  });

  test('an account with a second factor needs its current TOTP code', async () => {
    const refused = await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '203.0.113.1', payload: { name: 'carol', password: passwords.carol } });
    assert.deepEqual([refused.statusCode, refused.json().error], [401, 'auth.code-needed']);
    const wrong = await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '203.0.113.2', payload: { name: 'carol', password: passwords.carol, code: '000000' } });
    assert.equal(wrong.statusCode, 401);
    const code = totp(base32Decode(totpSecret), Date.now() / 1000);
    assert.equal((await login('carol', passwords.carol, code)).cookie.startsWith('parley_session='), true);
  });

  test('logging out ends the session on the node, not just in the browser', async () => {
    const s = await login('ann');
    assert.equal((await asSession(s, 'DELETE', '/api/v1/session')).statusCode, 204);
    const after = await asSession(s, 'GET', '/api/v1/cases');
    assert.equal(after.statusCode, 401);
  });

  test('an admin makes accounts through the API; the password is shown once and works', async () => {
    const made = await f.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: bearer(f.tokens.admin), payload: { name: 'dave', role: 'auditor' } });
    assert.equal(made.statusCode, 201, made.body);
    const listed = await f.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: bearer(f.tokens.admin) });
    assert.ok(!listed.body.includes(made.json().password), 'the list shows no password');
    assert.equal((await login('dave', made.json().password)).csrf.length > 20, true);
    const again = await f.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: bearer(f.tokens.admin), payload: { name: 'dave', role: 'auditor' } });
    assert.deepEqual([again.statusCode, again.json().error], [409, 'account.exists']);
  });
});

describe('two-person approval', () => {
  test('an escalation waits until a different approver approves it; the author cannot approve it; the record says who', async () => {
    const alice = await login('alice');
    const proposed = await asSession(alice, 'POST', '/api/v1/cases/borduria:2026-9/escalate', { reason: 'overdue' });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const { id } = proposed.json().approval;
    assert.equal((await f.node.caseById('borduria:2026-9'))?.tier, 'technical', 'nothing left yet');
    const own = await asSession(alice, 'POST', `/api/v1/approvals/${id}/approve`);
    assert.deepEqual([own.statusCode, own.json().error], [403, 'approval.same-person']);
    const bob = await login('bob');
    const approved = await asSession(bob, 'POST', `/api/v1/approvals/${id}/approve`);
    assert.equal(approved.statusCode, 201, approved.body);
    assert.equal(approved.json().sent.statement.type, 'escalation');
    assert.equal((await f.node.caseById('borduria:2026-9'))?.tier, 'diplomatic');
    const record = (await asSession(bob, 'GET', '/api/v1/approvals')).json().find((a: { id: number }) => a.id === id);
    assert.deepEqual([record.status, record.proposedBy.name, record.decidedBy.name, record.sent.index], ['approved', 'alice', 'bob', approved.json().sent.index]);
    const twice = await asSession(bob, 'POST', `/api/v1/approvals/${id}/approve`);
    assert.deepEqual([twice.statusCode, twice.json().error], [409, 'approval.decided']);
  });

  test('a token proposing and a console approver deciding are two people; a rejected draft is never sent', async () => {
    const before = await f.node.store.logSize('avalon');
    const proposed = await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: bearer(f.tokens.approver), payload: notificationDraft('avalon:dip-9', 'diplomatic') });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const alice = await login('alice');
    const rejected = await asSession(alice, 'POST', `/api/v1/approvals/${proposed.json().approval.id}/reject`, { reason: 'not now' });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.deepEqual([rejected.json().status, rejected.json().reason], ['rejected', 'not now']);
    assert.equal(await f.node.store.logSize('avalon'), before);
  });
});

describe('console pages', () => {
  test('are served with a strict Content-Security-Policy, index.html for the app\'s own routes, JSON 404 elsewhere', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Parley</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const app = await buildApiServer({ node: f.node, logger: createLogger({ level: 'silent' }), consoleDir: dir });
    try {
      for (const url of ['/', '/inbox', '/cases/borduria:2026-9', '/report']) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, url);
        assert.match(res.body, /<title>Parley/);
        const csp = String(res.headers['content-security-policy']);
        for (const rule of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(csp.includes(rule), `${url}: ${rule} in ${csp}`);
        assert.ok(!csp.includes('unsafe-inline'), 'no inline script or style');
      }
      const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['cache-control']), /immutable/);
      const unknown = await app.inject({ method: 'GET', url: '/api/v1/nothing' });
      assert.deepEqual([unknown.statusCode, unknown.json().error], [404, 'route.unknown']);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/cases' })).headers['content-security-policy'], undefined, 'the API is not a page');
    } finally {
      await app.close();
    }
  });
});

describe('login rate limit', () => {
  test(`after ${LOGIN_ATTEMPTS_PER_MINUTE} attempts a minute from one address, logins are refused with 429`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 2; i++) {
      statuses.push((await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.7', payload: { name: 'ann', password: 'guess' + i } })).statusCode);
    }
    assert.deepEqual(statuses.slice(-2), [429, 429]);
    const last = await f.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.7', payload: { name: 'ann', password: passwords.ann } });
    assert.deepEqual([last.statusCode, last.json().error], [429, 'auth.rate-limited'], 'even the right password waits');
  });
});

describe('compliance figures', () => {
  test('count the acknowledgement Avalon gave, with its time against the time allowed, and refuse an empty period', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/compliance', headers: bearer(f.tokens.auditor) });
    assert.equal(res.statusCode, 200, res.body);
    const { report, deadlines } = res.json() as { report: { parties: Record<string, { acknowledgements: { count: number; onTime: number } }> }; deadlines: Array<{ case: string; party: string; kind: string; tookMs: number | null; allowedMs: number }> };
    assert.ok(report.parties.avalon!.acknowledgements.onTime >= 1);
    const ack = deadlines.find((d) => d.case === 'borduria:2026-9' && d.party === 'avalon' && d.kind === 'acknowledgement');
    assert.ok(ack && ack.tookMs !== null && ack.tookMs <= ack.allowedMs, JSON.stringify(deadlines));
    const empty = await f.app.inject({ method: 'GET', url: '/api/v1/compliance?from=2026-02-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z', headers: bearer(f.tokens.auditor) });
    assert.deepEqual([empty.statusCode, empty.json().error, empty.json().path], [400, 'request.invalid', 'from']);
  });
});
