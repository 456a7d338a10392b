import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldCases, type CaseState } from '../../src/protocol/case-fold.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { Logs, makeAgreement, t } from '../support/case-builder.js';

const CASE = 'avalon:2026-0001';
const notify = (severity: string, extra = {}) => ({
  category: 'availability.ddos', severity, summary: 'DDoS from your networks', actions: ['investigate'], ...extra,
});
const assist = (severity: string) => ({ severity, actions: ['take-down'], summary: 'Take the C2 server down' });
const ack = (name: string) => ({ by: { name } });

function only(cases: Map<string, CaseState>, id = CASE): CaseState {
  const c = cases.get(id);
  assert.ok(c, `case ${id} is missing`);
  return c;
}

describe('a notification and its acknowledgement', () => {
  const logs = new Logs(makeAgreement(['avalon', 'borealis']));
  const n = logs.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: CASE, body: notify('high') });
  const r = logs.receipt('borealis', n);
  const a = logs.say('borealis', { type: 'acknowledgement', time: t(60), to: ['avalon'], case: CASE, refs: [n], body: ack('Duty officer') });

  test('before the acknowledgement the case is open and the deadline runs (high: 4 hours)', () => {
    const c = only(foldCases([n, r], logs.agreement, t(30)));
    assert.equal(c.status, 'open');
    assert.equal(c.opener, 'avalon');
    assert.equal(c.opened, t(0));
    assert.equal(c.category, 'availability.ddos');
    assert.equal(c.severity, 'high');
    assert.equal(c.tier, 'technical');
    assert.deepEqual(c.deadlines, [{ kind: 'acknowledgement', party: 'borealis', statement: n.hash, from: t(0), due: t(240), overdue: false }]);
  });

  test('unacknowledged past the deadline, it is overdue', () => {
    const c = only(foldCases([n, r], logs.agreement, t(241)));
    assert.equal(c.deadlines[0]?.overdue, true);
    assert.equal(c.needsEscalation, true);
    assert.equal(only(foldCases([n, r], logs.agreement, t(240))).deadlines[0]?.overdue, false, 'due at 04:00 is not overdue at 04:00');
  });

  test('acknowledged, the deadline is met and the case acknowledged', () => {
    const c = only(foldCases([n, r, a], logs.agreement, t(1000)));
    assert.equal(c.status, 'acknowledged');
    assert.equal(c.deadlines[0]?.met, t(60));
    assert.equal(c.deadlines[0]?.overdue, false);
    assert.equal(c.needsEscalation, false);
    assert.deepEqual(c.participants, ['avalon', 'borealis']);
    assert.deepEqual(c.timeline.map((e) => [e.party, e.index, e.type, e.time]), [
      ['avalon', 0, 'notification', t(0)], ['borealis', 0, 'receipt', new Date(Date.parse(t(0)) + 1000).toISOString()],
      ['borealis', 1, 'acknowledgement', t(60)],
    ]);
    assert.deepEqual(c.issues, []);
  });

  test('acknowledged late, it stays overdue: a late answer is late', () => {
    const late = new Logs(logs.agreement);
    const n2 = late.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: CASE, body: notify('critical') });
    const a2 = late.say('borealis', { type: 'acknowledgement', time: t(90), to: ['avalon'], case: CASE, refs: [n2], body: ack('X') });
    const c = only(foldCases([n2, a2], logs.agreement, t(100)));
    assert.equal(c.deadlines[0]?.due, t(60));
    assert.equal(c.deadlines[0]?.met, t(90));
    assert.equal(c.deadlines[0]?.overdue, true);
  });
});

describe('a request for assistance to two parties', () => {
  const logs = new Logs(makeAgreement(['avalon', 'borealis', 'cathay']));
  // critical: acknowledgement within 1 hour, response within 12 hours.
  const q = logs.say('avalon', { type: 'request-for-assistance', time: t(0), case: CASE, body: assist('critical') });
  const ackB = logs.say('borealis', { type: 'acknowledgement', time: t(30), to: ['avalon'], case: CASE, refs: [q], body: ack('B') });
  const resB = logs.say('borealis', { type: 'response', time: t(600), to: ['avalon'], case: CASE, refs: [q], body: { outcome: 'action-taken' } });
  const esc = logs.say('avalon', { type: 'escalation', time: t(700), case: CASE, refs: [q], body: { tier: 'diplomatic', reason: 'overdue' } });
  const resC = logs.say('cathay', { type: 'response', time: t(800), to: ['avalon'], case: CASE, refs: [q], body: { outcome: 'no-evidence-found' } });
  const closeIt = logs.say('avalon', { type: 'closure', time: t(900), case: CASE, body: { reason: 'resolved' } });

  const deadline = (c: CaseState, kind: string, party: string) => c.deadlines.find((d) => d.kind === kind && d.party === party);

  test('each addressee owes an acknowledgement and a response', () => {
    const c = only(foldCases([q], logs.agreement, t(1)));
    assert.deepEqual(c.deadlines.map((d) => [d.kind, d.party, d.due]), [
      ['acknowledgement', 'borealis', t(60)], ['acknowledgement', 'cathay', t(60)],
      ['response', 'borealis', t(720)], ['response', 'cathay', t(720)],
    ]);
    assert.equal(c.status, 'open');
  });

  test('one party answers, the other is silent: awaiting response, the silent one overdue', () => {
    const c = only(foldCases([q, ackB, resB], logs.agreement, t(650)));
    assert.equal(c.status, 'awaiting-response');
    assert.equal(deadline(c, 'acknowledgement', 'cathay')?.overdue, true);
    assert.equal(deadline(c, 'response', 'borealis')?.met, t(600));
    assert.equal(deadline(c, 'response', 'cathay')?.overdue, false);
    assert.equal(c.needsEscalation, true);
  });

  test('escalated, the case moves up a tier; it needs escalating again only for a deadline missed after that', () => {
    const at710 = only(foldCases([q, ackB, resB, esc], logs.agreement, t(710)));
    assert.equal(at710.status, 'escalated');
    assert.equal(at710.tier, 'diplomatic');
    assert.equal(at710.needsEscalation, false);
    const at721 = only(foldCases([q, ackB, resB, esc], logs.agreement, t(721)));
    assert.equal(deadline(at721, 'response', 'cathay')?.overdue, true);
    assert.equal(at721.needsEscalation, true);
  });

  test('a response also meets the acknowledgement it skipped; all answered, the case is answered', () => {
    const c = only(foldCases([q, ackB, resB, esc, resC], logs.agreement, t(850)));
    assert.equal(c.status, 'answered');
    assert.equal(deadline(c, 'acknowledgement', 'cathay')?.met, t(800));
    assert.equal(deadline(c, 'acknowledgement', 'cathay')?.overdue, true);
    assert.equal(deadline(c, 'response', 'cathay')?.overdue, true);
  });

  test('closed by its opener, it is closed; what was missed stays missed', () => {
    const c = only(foldCases(logs.all, logs.agreement, t(2000)));
    assert.equal(c.status, 'closed');
    assert.equal(c.closed, t(900));
    assert.equal(c.needsEscalation, false);
    assert.equal(c.deadlines.filter((d) => d.overdue).length, 2);
    assert.deepEqual(c.participants, ['avalon', 'borealis', 'cathay']);
  });
});

describe('closure, issues and odd cases', () => {
  const agreement = makeAgreement(['avalon', 'borealis', 'cathay']);

  test('a case closed before its deadlines come cancels them: never overdue', () => {
    const logs = new Logs(agreement);
    const q = logs.say('avalon', { type: 'request-for-information', time: t(0), case: CASE, body: { severity: 'low', questions: ['?'] } });
    logs.say('avalon', { type: 'closure', time: t(10), case: CASE, body: { reason: 'withdrawn' } });
    const c = only(foldCases(logs.all, agreement, t(100_000)));
    assert.equal(c.deadlines.length, 4);
    assert.ok(c.deadlines.every((d) => d.cancelled === true && d.overdue === false));
    assert.equal(c.openedBy.hash, q.hash);
  });

  test('a closure by another party, an escalation that does not go up, and a bad code are issues that change nothing', () => {
    const logs = new Logs(agreement);
    const n = logs.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: CASE, body: notify('low', { tier: 'diplomatic' }) });
    const e = logs.say('borealis', { type: 'escalation', time: t(5), to: ['avalon'], case: CASE, body: { tier: 'diplomatic', reason: 'other' } });
    const x = logs.say('borealis', { type: 'closure', time: t(6), to: ['avalon'], case: CASE, body: { reason: 'resolved' } });
    const bad = logs.say('borealis', { type: 'response', time: t(7), to: ['avalon'], case: CASE, refs: [n], body: { outcome: 'whatever' } });
    const c = only(foldCases(logs.all, agreement, t(10)));
    assert.equal(c.tier, 'diplomatic');
    assert.equal(c.status, 'open');
    assert.equal(c.closed, null);
    assert.deepEqual(c.issues.map((i) => [i.statement.hash, i.rule]), [
      [e.hash, 'escalation.tier'], [x.hash, 'closure.author'], [bad.hash, 'body.unknown-code'],
    ]);
    assert.equal(c.timeline.length, 4, 'signed statements stay in the timeline');
    assert.equal(c.deadlines[0]?.met, undefined);
  });

  test('a case without its opening statement does not exist yet; another party may ask inside a case', () => {
    const logs = new Logs(agreement);
    const n = logs.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: CASE, body: notify('medium') });
    const rfi = logs.say('borealis', { type: 'request-for-information', time: t(20), to: ['avalon'], case: CASE, refs: [n], body: { severity: 'medium', questions: ['Which ports?'] } });
    assert.equal(foldCases([rfi], agreement, t(30)).size, 0);
    const c = only(foldCases([rfi, n], agreement, t(30)));
    assert.deepEqual(c.deadlines.map((d) => [d.kind, d.party]), [['acknowledgement', 'borealis'], ['acknowledgement', 'avalon'], ['response', 'avalon']]);
    assert.deepEqual(c.related, []);
  });

  test('a case opened by a party other than its id\'s prefix is not opened', () => {
    const logs = new Logs(agreement);
    logs.say('borealis', { type: 'notification', time: t(0), to: ['avalon'], case: CASE, body: notify('medium') });
    assert.equal(foldCases(logs.all, agreement, t(1)).size, 0);
  });

  test('statements outside the case that it refers to are listed as related', () => {
    const logs = new Logs(agreement);
    const other = logs.say('borealis', { type: 'notification', time: t(0), to: ['avalon'], case: 'borealis:7', body: notify('low') });
    logs.say('avalon', { type: 'notification', time: t(1), to: ['borealis'], case: CASE, refs: [other], body: notify('low') });
    const cases = foldCases(logs.all, agreement, t(2));
    assert.deepEqual([...cases.keys()], ['borealis:7', CASE]);
    assert.deepEqual(only(cases).related, [{ party: 'borealis', index: 0, hash: other.hash }]);
  });

  test('a prior notice given short opens its case, with the broken rule as an issue', () => {
    const logs = new Logs(agreement);
    const p = logs.say('avalon', { type: 'prior-notice', time: t(0), case: CASE, body: {
      activity: 'large-scale-scanning', scope: { networks: ['203.0.113.0/24'] }, window: { start: t(60), end: t(120) } } });
    logs.say('borealis', { type: 'acknowledgement', time: t(5), to: ['avalon'], case: CASE, refs: [p], body: ack('B') });
    const c = only(foldCases(logs.all, agreement, t(10)));
    assert.equal(c.kind, 'prior-notice');
    assert.equal(c.activity, 'large-scale-scanning');
    assert.equal(c.status, 'acknowledged');
    assert.deepEqual(c.deadlines, []);
    assert.deepEqual(c.issues.map((i) => i.rule), ['prior-notice.lead-time']);
  });

  test('the highest severity stated in the case is the case\'s', () => {
    const logs = new Logs(agreement);
    const n = logs.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: CASE, body: notify('medium') });
    logs.say('avalon', { type: 'request-for-assistance', time: t(5), to: ['borealis'], case: CASE, refs: [n], body: assist('critical') });
    logs.say('avalon', { type: 'notification', time: t(9), to: ['borealis'], case: CASE, body: notify('low') });
    assert.equal(only(foldCases(logs.all, agreement, t(10))).severity, 'critical');
  });

  test('refuses an instant that is not a time', () => {
    assert.throws(() => foldCases([], agreement, 'now'), /time/);
  });
});

// ---- Property tests: random scenarios over 2–5 parties ----

const PARTIES = ['avalon', 'borealis', 'cathay', 'dorado', 'eridani'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

const step = fc.record({
  kind: fc.constantFrom('notify', 'request', 'ack', 'respond', 'escalate', 'close', 'receipt', 'check'),
  actor: fc.nat(4),
  pick: fc.nat(1000),
  severity: fc.constantFrom(...SEVERITIES),
  minutes: fc.constantFrom(0, 0, 1, 7, 30, 90, 240, 600),
});

interface Step {
  kind: string;
  actor: number;
  pick: number;
  severity: string;
  minutes: number;
}

/** Plays the steps as the parties would, signing each statement; a step that makes no sense here is skipped. */
function play(parties: string[], steps: Step[]): Logs {
  const logs = new Logs(makeAgreement(parties));
  const asks: HashedStatement[] = [];
  let clock = 0;
  for (const s of steps) {
    clock += s.minutes;
    const actor = parties[s.actor % parties.length] as string;
    const others = parties.filter((p) => p !== actor);
    const to = others.filter((_, i) => ((s.pick >> i) & 1) === 1 || i === s.pick % others.length);
    const target = asks.length > 0 ? asks[s.pick % asks.length] : undefined;
    const time = t(clock);
    const caseId = `${actor}:${s.pick % 3}`;
    if (s.kind === 'notify') asks.push(logs.say(actor, { type: 'notification', time, to, case: caseId, body: notify(s.severity) }));
    else if (s.kind === 'request') asks.push(logs.say(actor, { type: 'request-for-information', time, to, case: target?.statement.case ?? caseId, body: { severity: s.severity, questions: ['?'] } }));
    else if (s.kind === 'check') logs.say(actor, { type: 'communication-check', time, to, body: { nonce: 'ab'.repeat(16), scheduled: false } });
    else if (!target) continue;
    else {
      const c = target.statement.case;
      const author = target.statement.author;
      const responder = target.statement.to[s.pick % target.statement.to.length] as string;
      if (s.kind === 'ack') logs.say(responder, { type: 'acknowledgement', time, to: [author], case: c, refs: [target], body: ack(responder) });
      else if (s.kind === 'respond') logs.say(responder, { type: 'response', time, to: [author], case: c, refs: [target], body: { outcome: 'investigating' } });
      else if (s.kind === 'receipt') logs.receipt(responder, target, s.pick);
      else if (s.kind === 'escalate') logs.say(actor, { type: 'escalation', time, to: others, case: c, body: { tier: s.pick % 2 ? 'diplomatic' : 'political', reason: 'overdue' } });
      else {
        // Sometimes the opener closes, sometimes another party tries to.
        const closer = s.pick % 2 ? author : actor;
        logs.say(closer, { type: 'closure', time, to: parties.filter((p) => p !== closer).slice(0, 1), case: c, body: { reason: 'resolved' } });
      }
    }
  }
  return logs;
}

const scenario = fc.record({
  n: fc.integer({ min: 2, max: 5 }),
  steps: fc.array(step, { minLength: 1, maxLength: 25 }),
  order: fc.array(fc.double({ noNaN: true }), { minLength: 60, maxLength: 60 }),
  dups: fc.array(fc.nat(200), { maxLength: 10 }),
  at: fc.integer({ min: 0, max: 20_000 }),
});

function shuffled<T>(xs: T[], keys: number[]): T[] {
  return xs.map((x, i) => [x, keys[i % keys.length] as number, i] as const).sort((a, b) => a[1] - b[1] || a[2] - b[2]).map(([x]) => x);
}

describe('the fold, for any scenario', () => {
  test('any interleaving of the logs and any duplication gives the same state', () => {
    fc.assert(fc.property(scenario, ({ n, steps, order, dups, at }) => {
      const logs = play(PARTIES.slice(0, n), steps);
      const all = logs.all;
      const mixed = shuffled([...all, ...dups.filter((d) => d < all.length).map((d) => all[d] as HashedStatement)], order);
      const expected = foldCases(all, logs.agreement, t(at));
      const got = foldCases(mixed, logs.agreement, t(at));
      assert.deepEqual([...got.keys()], [...expected.keys()]);
      assert.deepEqual(got, expected);
    }), { numRuns: 150 });
  });

  test('overdue marks are monotone in the instant: once overdue, overdue later too', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 0, max: 5000 }), ({ n, steps, at }, later) => {
      const logs = play(PARTIES.slice(0, n), steps);
      const early = foldCases(logs.all, logs.agreement, t(at));
      const late = foldCases(logs.all, logs.agreement, t(at + later));
      for (const [id, c] of early) {
        const d2 = late.get(id)?.deadlines ?? [];
        c.deadlines.forEach((d, i) => {
          assert.equal(d2[i]?.statement, d.statement);
          if (d.overdue) assert.equal(d2[i]?.overdue, true, `${id} ${d.kind} ${d.party}`);
        });
      }
    }), { numRuns: 100 });
  });

  test('the fold plays a scenario into cases at all (the generator is not vacuous)', () => {
    const logs = play(PARTIES.slice(0, 3), [
      { kind: 'notify', actor: 0, pick: 1, severity: 'high', minutes: 0 },
      { kind: 'ack', actor: 1, pick: 0, severity: 'low', minutes: 5 },
      { kind: 'close', actor: 0, pick: 1, severity: 'low', minutes: 5 },
    ]);
    const cases = foldCases(logs.all, logs.agreement, t(100));
    assert.equal(cases.size, 1);
    assert.equal([...cases.values()][0]?.status, 'closed');
  });
});
