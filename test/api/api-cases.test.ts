import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from './api-fixture.js';
import { approveAsSecond } from './second-approver.js';

let f: ApiFixture;
let notification: HashedStatement;
before(async () => {
  f = await apiFixture();
  notification = await f.fromPeer(notificationDraft('borduria:2026-7'));
});
after(async () => { await f.close(); });

function get(url: string, token = f.tokens.auditor) {
  return f.app.inject({ method: 'GET', url, headers: bearer(token) });
}
function act(id: string, action: string, payload: unknown, token = f.tokens['duty-officer']) {
  return f.app.inject({ method: 'POST', url: `/api/v1/cases/${id}/${action}`, headers: bearer(token), payload: payload as object });
}

describe('reading cases', () => {
  test('GET /cases lists the cases of every log the node holds, filtered as asked', async () => {
    const all = (await get('/api/v1/cases')).json() as Array<{ id: string; status: string }>;
    assert.deepEqual(all.map((c) => c.id), ['borduria:2026-7']);
    assert.equal(all[0]?.status, 'open');
    assert.equal((await get('/api/v1/cases?status=closed')).json().length, 0);
    assert.equal((await get('/api/v1/cases?tier=technical&party=borduria&category=availability.ddos')).json().length, 1);
    assert.equal((await get('/api/v1/cases?category=fraud.phishing')).json().length, 0);
    const bad = await get('/api/v1/cases?status=sleeping');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().path, 'status');
  });

  test('GET /cases/:id gives the state, the deadlines and each statement of the timeline', async () => {
    const res = await get('/api/v1/cases/borduria:2026-7');
    assert.equal(res.statusCode, 200);
    const c = res.json();
    assert.equal(c.opener, 'borduria');
    assert.deepEqual(c.deadlines.map((d: { kind: string; party: string }) => [d.kind, d.party]), [['acknowledgement', 'avalon']]);
    assert.equal(c.statements[0].hash, notification.hash);
    assert.equal(c.statements[0].statement.body.summary, notification.statement.body?.summary);
  });

  test('an unknown case answers 404 case.unknown; a malformed id 400', async () => {
    const missing = await get('/api/v1/cases/borduria:nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, 'case.unknown');
    assert.equal((await act('borduria:nope', 'acknowledge', { by: { name: 'A. Officer' } })).statusCode, 404);
    assert.equal((await get('/api/v1/cases/no-colon')).statusCode, 400);
  });
});

describe('case actions', () => {
  test('respond with nothing owed answers 422 and names ref', async () => {
    const res = await act('borduria:2026-7', 'respond', { outcome: 'action-taken' });
    assert.equal(res.statusCode, 422);
    assert.deepEqual([res.json().error, res.json().path], ['case.nothing-to-answer', 'ref']);
  });

  test('acknowledge refers to the statement this party owes an acknowledgement for, and meets the deadline', async () => {
    const res = await act('borduria:2026-7', 'acknowledge', { by: { name: 'Duty officer Ann Smith', role: 'CERT-AV duty officer' }, note: 'Investigating.' });
    assert.equal(res.statusCode, 201, res.body);
    const s = res.json().statement;
    assert.equal(s.type, 'acknowledgement');
    assert.equal(s.case, 'borduria:2026-7');
    assert.deepEqual(s.refs, [{ party: 'borduria', index: notification.statement.index, hash: notification.hash }]);
    assert.deepEqual(s.to, ['borduria']);
    assert.deepEqual(s.body, { by: { name: 'Duty officer Ann Smith', role: 'CERT-AV duty officer' }, note: 'Investigating.' });
    const c = (await get('/api/v1/cases/borduria:2026-7')).json();
    assert.equal(c.status, 'acknowledged');
    assert.ok(c.deadlines[0].met);
  });

  test('request-information and respond fill case, refs and addressees', async () => {
    const asked = await act('borduria:2026-7', 'request-information', { severity: 'medium', questions: ['Which addresses are affected?'] });
    assert.equal(asked.statusCode, 201, asked.body);
    assert.deepEqual(asked.json().statement.refs, [{ party: 'borduria', index: notification.statement.index, hash: notification.hash }]);
    assert.deepEqual(asked.json().statement.to, ['borduria']);

    const request = await f.fromPeer({ type: 'request-for-information', case: 'borduria:2026-7', to: ['avalon'], body: { severity: 'high', questions: ['Is the source in your networks?'] } });
    const answered = await act('borduria:2026-7', 'respond', { outcome: 'action-taken', text: 'Blocked at 04:10 UTC.' });
    assert.equal(answered.statusCode, 201, answered.body);
    assert.deepEqual(answered.json().statement.refs, [{ party: 'borduria', index: request.statement.index, hash: request.hash }]);
  });

  test('only the opener closes a case; a bad reason is 400, a case the party opened closes', async () => {
    const notOpener = await act('borduria:2026-7', 'close', { reason: 'resolved' });
    assert.equal(notOpener.statusCode, 422);
    assert.equal(notOpener.json().error, 'closure.opener');
    assert.equal((await act('borduria:2026-7', 'close', { reason: 'bored' })).json().path, 'reason');

    const opened = await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: bearer(f.tokens['duty-officer']), payload: notificationDraft('avalon:own-1') });
    assert.equal(opened.statusCode, 201);
    const closed = await act('avalon:own-1', 'close', { reason: 'resolved', text: 'Traffic stopped.' });
    assert.equal(closed.statusCode, 201, closed.body);
    assert.equal((await get('/api/v1/cases/avalon:own-1')).json().status, 'closed');
  });

  test('escalate goes to the next tier by default, and not past the top', async () => {
    const first = await approveAsSecond(f, await act('borduria:2026-7', 'escalate', { reason: 'response-unsatisfactory' }, f.tokens.approver));
    assert.equal(first.json().sent.statement.body.tier, 'diplomatic');
    const second = await approveAsSecond(f, await act('borduria:2026-7', 'escalate', { reason: 'other' }, f.tokens.approver));
    assert.equal(second.json().sent.statement.body.tier, 'political');
    const top = await act('borduria:2026-7', 'escalate', { reason: 'other' }, f.tokens.approver);
    assert.equal(top.statusCode, 422);
    assert.equal(top.json().error, 'case.top-tier');
  });
});
