import { it } from 'node:test';
import assert from 'node:assert/strict';
import { refTo } from '../../src/protocol/statement.js';
import { forEachStore, type MakeStore } from '../support/stores.js';
import { Parties, T0 } from './scheduler-harness.js';

const CASE = 'avalon:2026-0001';
const notify = (severity: string) => ({ category: 'availability.ddos', severity, summary: 'DDoS from your networks', actions: ['investigate'] });
const assist = (severity: string) => ({ severity, actions: ['take-down'], summary: 'Take the C2 server down' });

async function notified(makeStore: MakeStore, agreement = {}) {
  const p = await Parties.open(['avalon', 'borealis'], { agreement, makeStore });
  // high: acknowledgement within 4 hours
  const n = await p.node('avalon').send({ type: 'notification', to: ['borealis'], case: CASE, body: notify('high') });
  await p.sync();
  return { p, n };
}

forEachStore('escalation of an overdue case', (makeStore) => {
  it('escalates an unacknowledged notification exactly once, across ticks and restarts', async () => {
    const { p, n } = await notified(makeStore);
    p.clock.advanceMinutes(240);
    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, [], 'due at 4 hours is not overdue yet');
    p.clock.advanceMinutes(1);

    const first = await p.scheduler('avalon').tick();
    assert.equal(first.escalations.length, 1);
    const e = first.escalations[0]!.statement;
    assert.equal(e.type, 'escalation');
    assert.equal(e.case, CASE);
    assert.deepEqual(e.to, ['borealis']);
    assert.deepEqual(e.refs, [refTo(n)]);
    assert.equal(e.body?.tier, 'diplomatic');
    assert.equal(e.body?.reason, 'overdue');

    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, []);
    await p.restart('avalon');
    p.clock.advanceMinutes(60);
    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, []);
    assert.equal((await p.own('avalon', 'escalation')).length, 1);

    await p.sync();
    const seenByBorealis = await p.node('borealis').caseById(CASE);
    assert.equal(seenByBorealis?.status, 'escalated');
    assert.equal(seenByBorealis?.tier, 'diplomatic');
    assert.deepEqual(seenByBorealis?.issues, []);
  });

  it('only the opener escalates; the party that owes the deadline sees it overdue, owed by itself', async () => {
    const { p } = await notified(makeStore);
    p.clock.advanceMinutes(300);
    assert.deepEqual((await p.scheduler('borealis').tick()).escalations, []);
    const marks = await p.scheduler('borealis').overdue();
    assert.deepEqual(marks.map((m) => [m.case, m.kind, m.owedBy, m.direction, m.overdueByMs]), [[CASE, 'acknowledgement', 'borealis', 'owed-by-us', 60 * 60_000]]);
  });

  it('escalates a second lapse to the next tier, and stops at the top of the ladder', async () => {
    const p = await Parties.open(['avalon', 'borealis'], { makeStore });
    // high: acknowledgement within 4 hours, response within 1 day
    const q = await p.node('avalon').send({ type: 'request-for-assistance', to: ['borealis'], case: CASE, body: assist('high') });
    await p.sync();
    p.clock.advanceMinutes(241);
    assert.equal((await p.scheduler('avalon').tick()).escalations[0]?.statement.body?.tier, 'diplomatic');
    await p.sync();
    await p.node('borealis').send({ type: 'acknowledgement', to: ['avalon'], case: CASE, refs: [refTo(q)], body: { by: { name: 'Duty officer' } } });
    await p.sync();
    p.clock.advanceMinutes(24 * 60);
    const second = await p.scheduler('avalon').tick();
    assert.equal(second.escalations[0]?.statement.body?.tier, 'political');
    assert.match(String(second.escalations[0]?.statement.body?.text), /No response from borealis/);

    // A new request in the same case lapses too; the case is already at the top of the ladder.
    await p.node('avalon').send({ type: 'request-for-information', to: ['borealis'], case: CASE, body: { severity: 'high', questions: ['Which hosts were involved?'] } });
    p.clock.advanceMinutes(7 * 24 * 60);
    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, []);
    assert.deepEqual((await p.own('avalon', 'escalation')).map((h) => h.statement.body?.tier), ['diplomatic', 'political']);
    assert.equal((await p.node('avalon').caseById(CASE))?.needsEscalation, false);
  });

  it('does not escalate a case closed before its deadline', async () => {
    const { p } = await notified(makeStore);
    p.clock.advanceMinutes(10);
    await p.node('avalon').send({ type: 'closure', to: ['borealis'], case: CASE, body: { reason: 'resolved' } });
    p.clock.advanceMinutes(600);
    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, []);
    assert.deepEqual(await p.scheduler('avalon').overdue(), []);
  });

  it("onOverdue 'remind': no escalation, a reminder while the deadline runs, then an overdue mark on both sides", async () => {
    const { p, n } = await notified(makeStore, { escalation: { ladder: ['technical', 'diplomatic', 'political'], onOverdue: 'remind' } });
    p.clock.advanceMinutes(60);
    const reminders = await p.scheduler('borealis').reminders();
    assert.deepEqual(reminders, [{
      kind: 'acknowledgement', case: CASE, statement: refTo(n), due: new Date(T0 + 4 * 60 * 60_000).toISOString(), timeLeftMs: 3 * 60 * 60_000,
    }]);
    assert.deepEqual(await p.scheduler('avalon').reminders(), [], 'avalon owes nothing');

    p.clock.advanceMinutes(200);
    assert.deepEqual((await p.scheduler('avalon').tick()).escalations, []);
    assert.deepEqual(await p.own('avalon', 'escalation'), []);
    assert.deepEqual(await p.scheduler('borealis').reminders(), [], 'an overdue deadline is no longer coming due');
    const atAvalon = await p.scheduler('avalon').overdue();
    assert.deepEqual(atAvalon.map((m) => [m.kind, m.owedBy, m.direction, m.tier]), [['acknowledgement', 'borealis', 'owed-to-us', 'technical']]);
    assert.deepEqual((await p.scheduler('borealis').overdue()).map((m) => m.direction), ['owed-by-us']);
  });
});
