import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountExistsError, AccountInvalidError, AccountStore } from '../../src/storage/account-store.js';
import { ApprovalStore } from '../../src/storage/approval-store.js';
import { createAccount } from '../../src/console/accounts.js';
import { verifyPassword } from '../../src/console/passwords.js';
import { forEachStore } from '../support/stores.js';

const alice = { id: 'account:alice', name: 'alice', role: 'approver' };
const bob = { id: 'account:bob', name: 'bob', role: 'approver' };

forEachStore('console accounts', (makeStore) => {
  it('keep a scrypt hash that checks the generated password and no other, and refuse a second account of a name', async () => {
    const accounts = await AccountStore.open((await makeStore()).database);
    const { password } = await createAccount(accounts, 'ann', 'duty-officer');
    const kept = await accounts.byName('ann');
    assert.equal(kept?.role, 'duty-officer');
    assert.ok(!kept!.passwordHash.includes(password), 'the password itself is not stored');
    assert.ok(await verifyPassword(password, kept!.passwordHash));
    assert.ok(!(await verifyPassword(password + 'x', kept!.passwordHash)));
    await assert.rejects(createAccount(accounts, 'ann', 'auditor'), AccountExistsError);
    await assert.rejects(createAccount(accounts, 'bad name', 'auditor'), AccountInvalidError);
    await assert.rejects(createAccount(accounts, 'x', 'king' as never), AccountInvalidError);
  });

  it('open a session by its secret until it expires, and never by its stored hash', async () => {
    const accounts = await AccountStore.open((await makeStore()).database);
    await createAccount(accounts, 'ann', 'duty-officer');
    await accounts.addSession('secret-1', { account: 'ann', createdAt: '2026-11-23T10:00:00.000Z', expiresAt: '2026-11-23T22:00:00.000Z' });
    assert.equal((await accounts.sessionAccount('secret-1', '2026-11-23T12:00:00.000Z'))?.account.name, 'ann');
    assert.equal(await accounts.sessionAccount('secret-1', '2026-11-23T22:00:00.000Z'), undefined, 'expired');
    assert.equal(await accounts.sessionAccount('secret-2', '2026-11-23T12:00:00.000Z'), undefined);
    assert.equal(await accounts.endExpired('2026-11-24T00:00:00.000Z'), 1);
    assert.equal(await accounts.sessionAccount('secret-1', '2026-11-23T12:00:00.000Z'), undefined, 'forgotten');
  });
});

forEachStore('approvals', (makeStore) => {
  it('keep a draft pending until one decision, recorded with who and when; a second decision loses', async () => {
    const approvals = await ApprovalStore.open((await makeStore()).database);
    const draft = { type: 'escalation', case: 'avalon:1', to: ['borduria'], body: { tier: 'diplomatic', reason: 'overdue' } };
    const a = await approvals.propose(draft, 'diplomatic', alice, '2026-11-23T10:00:00.000Z');
    assert.equal(a.status, 'pending');
    assert.deepEqual(a.draft, draft);
    assert.deepEqual((await approvals.list('pending')).map((x) => x.id), [a.id]);
    assert.equal(await approvals.decide(a.id, 'approved', bob, '2026-11-23T10:05:00.000Z'), true);
    assert.equal(await approvals.decide(a.id, 'rejected', alice, '2026-11-23T10:06:00.000Z', 'no'), false);
    await approvals.markSent(a.id, { index: 3, hash: 'a'.repeat(64) });
    const done = await approvals.byId(a.id);
    assert.deepEqual([done?.status, done?.decidedBy, done?.decidedAt, done?.sent?.index], ['approved', bob, '2026-11-23T10:05:00.000Z', 3]);
    assert.equal((await approvals.list('pending')).length, 0);
  });
});
