import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apiFixture, bearer, notificationDraft, type ApiFixture } from './api-fixture.js';

let f: ApiFixture;
before(async () => { f = await apiFixture(); });
after(async () => { await f.close(); });

function post(payload: unknown, token = f.tokens['duty-officer']) {
  return f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: bearer(token), payload: payload as object });
}

describe('POST /statements', () => {
  test('signs, appends and answers 201 with where the statement is', async () => {
    const res = await post(notificationDraft('avalon:s-1'));
    assert.equal(res.statusCode, 201, res.body);
    const sent = res.json();
    assert.equal(sent.author, 'avalon');
    assert.equal(sent.index, await f.node.store.logSize('avalon') - 1);
    assert.match(sent.hash, /^[0-9a-f]{64}$/);
    assert.equal(sent.statement.type, 'notification');
    assert.deepEqual(sent.statement.to, ['borduria']);
    assert.equal(typeof sent.statement.sig, 'string');
    // Two parties: nothing is sealed, and the body as read is the body as signed.
    assert.equal(sent.sealedTo, null);
    assert.deepEqual(sent.body, sent.statement.body);

    const got = await f.app.inject({ method: 'GET', url: `/api/v1/statements/avalon/${sent.index}`, headers: bearer(f.tokens.auditor) });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().hash, sent.hash);
    assert.deepEqual(got.json().receipts, []);
    assert.deepEqual([got.json().body, got.json().sealedTo], [sent.statement.body, null]);
  });

  test('a draft the agreement refuses answers 422 with the rule, the field and why', async () => {
    const draft = notificationDraft('avalon:s-2');
    draft.body.severity = 'apocalyptic';
    const res = await post(draft);
    assert.equal(res.statusCode, 422);
    assert.deepEqual({ error: res.json().error, path: res.json().path }, { error: 'body.unknown-code', path: 'body.severity' });
    assert.match(res.json().message, /apocalyptic/);
  });

  test('a body that is not a draft answers 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'notification' }, 'body'],
      [{ type: 'Notification!', body: {} }, 'type'],
      [{ type: 'notification', to: ['Not A Party'], body: {} }, 'to[0]'],
      [{ type: 'notification', body: {}, refs: [{ party: 'borduria', index: -1, hash: 'x' }] }, 'refs[0].index'],
      [{ type: 'notification', body: {}, extra: 1 }, 'extra'],
      [[], 'body'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error, 'request.invalid');
      assert.equal(res.json().path, path, JSON.stringify(payload));
    }
  });

  test('text that is not JSON answers 400 request.json', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: { ...bearer(f.tokens['duty-officer']), 'content-type': 'application/json' }, payload: '{"type":' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'request.json');
  });

  test('random JSON bodies never make the API answer 5xx', async () => {
    const types = fc.constantFrom('notification', 'acknowledgement', 'response', 'closure', 'escalation', 'communication-check', 'prior-notice', 'indicators', 'receipt', 'nonsense');
    const draftish = fc.record({
      type: types,
      to: fc.option(fc.array(fc.constantFrom('avalon', 'borduria', 'zz', ''), { maxLength: 3 }), { nil: undefined }),
      case: fc.option(fc.oneof(fc.constantFrom('avalon:c-1', 'borduria:x', 'bad'), fc.constant(null)), { nil: undefined }),
      refs: fc.option(fc.array(fc.record({ party: fc.constantFrom('avalon', 'borduria'), index: fc.integer({ min: -1, max: 5 }), hash: fc.constantFrom('0'.repeat(64), 'xyz') }), { maxLength: 2 }), { nil: undefined }),
      body: fc.dictionary(fc.constantFrom('category', 'severity', 'summary', 'actions', 'tier', 'by', 'reason', 'outcome', 'x'), fc.jsonValue({ maxDepth: 2 })),
    }, { requiredKeys: ['type', 'body'] });
    await fc.assert(fc.asyncProperty(fc.oneof(draftish, fc.jsonValue({ maxDepth: 3 })), async (payload) => {
      const res = await f.app.inject({ method: 'POST', url: '/api/v1/statements', headers: { ...bearer(f.tokens.approver), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      assert.ok(res.statusCode < 500, `${res.statusCode} for ${JSON.stringify(payload)}: ${res.body}`);
      if (res.statusCode >= 400) assert.equal(typeof res.json().error, 'string');
    }), { numRuns: 300 });
  });
});

describe('GET /statements/:author/:index', () => {
  test('an unknown statement answers 404, a malformed index 400', async () => {
    const missing = await f.app.inject({ method: 'GET', url: '/api/v1/statements/borduria/999', headers: bearer(f.tokens.auditor) });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, 'statement.unknown');
    const bad = await f.app.inject({ method: 'GET', url: '/api/v1/statements/avalon/first', headers: bearer(f.tokens.auditor) });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().path, 'index');
  });
});
