import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { complianceFigures, median, percentile } from '../../src/protocol/compliance.js';
import { Logs, makeAgreement, t } from '../support/case-builder.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * One scenario, worked out by hand. Deadlines of the test agreement: acknowledgement high 4 h, critical 1 h;
 * response critical 12 h; communication checks answered within 1 h; prior notices at least 3 days ahead.
 * The period is t(0)…t(3000) minutes; the report is made at t(2000).
 */
function scenario() {
  const logs = new Logs(makeAgreement(['avalon', 'borealis', 'cathay']));
  const ack = (by: string, time: string, s: ReturnType<Logs['say']>) =>
    logs.say(by, { type: 'acknowledgement', time, to: [s.statement.author], case: s.statement.case, refs: [s], body: { by: { name: by } } });
  const check = (by: string, time: string, to: string[], nonce: string) =>
    logs.say(by, { type: 'communication-check', time, to, body: { nonce: nonce.repeat(32), scheduled: true } });
  const reply = (by: string, time: string, c: ReturnType<Logs['say']>, nonce = c.statement.body?.nonce as string) =>
    logs.say(by, { type: 'communication-check-reply', time, to: [c.statement.author], refs: [c], body: { nonce, answeredBy: 'node' } });
  const notify = (by: string, time: string, to: string[], caseId: string, severity: string) =>
    logs.say(by, { type: 'notification', time, to, case: caseId, body: { category: 'fraud.phishing', severity, summary: 's', actions: ['investigate'] } });

  // Before the period: not counted.
  notify('avalon', t(-100), ['borealis'], 'avalon:0', 'high');
  check('avalon', t(-50), ['borealis'], 'f');
  // Borealis: acknowledged in 60 min (due 240): on time.
  const n1 = notify('avalon', t(0), ['borealis'], 'avalon:1', 'high');
  ack('borealis', t(60), n1);
  // Borealis: critical request at 100 — acknowledged at 200 (due 160): late, 100 min; responded at 700 (due 820): on time, 600 min.
  const q = logs.say('avalon', { type: 'request-for-assistance', time: t(100), to: ['borealis'], case: 'avalon:2', body: { severity: 'critical', actions: ['take-down'], summary: 's' } });
  ack('borealis', t(200), q);
  logs.say('borealis', { type: 'response', time: t(700), to: ['avalon'], case: 'avalon:2', refs: [q], body: { outcome: 'action-taken' } });
  // Avalon: critical notification at 300, acknowledged at 330 (due 360): on time, 30 min.
  const n2 = notify('borealis', t(300), ['avalon'], 'borealis:1', 'critical');
  ack('avalon', t(330), n2);
  // Borealis: high notification at 1000 (due 1240), never acknowledged: missing at 2000.
  notify('cathay', t(1000), ['borealis'], 'cathay:1', 'high');
  // Cathay: critical notification at 1990 (due 2050): pending at 2000.
  notify('avalon', t(1990), ['cathay'], 'avalon:3', 'critical');

  // Checks: avalon → borealis, cathay at 400 (due 460). Borealis answers at 410; cathay at 500 (late).
  const c1 = check('avalon', t(400), ['borealis', 'cathay'], 'a');
  reply('borealis', t(410), c1);
  reply('cathay', t(500), c1);
  // borealis → avalon at 1500, never answered (due 1560). cathay → avalon at 1990 (due 2050): a reply with the wrong nonce does not count.
  check('borealis', t(1500), ['avalon'], 'b');
  const c3 = check('cathay', t(1990), ['avalon'], 'c');
  reply('avalon', t(1995), c3, 'd'.repeat(32));

  // Prior notices: avalon 5 days ahead; cathay 1 day ahead (below the 3-day minimum).
  logs.say('avalon', { type: 'prior-notice', time: t(0), case: 'avalon:pn', body: { activity: 'cyber-exercise', scope: { sectors: ['energy'] }, window: { start: t(5 * 1440), end: t(6 * 1440) } } });
  logs.say('cathay', { type: 'prior-notice', time: t(10), case: 'cathay:pn', body: { activity: 'penetration-test', scope: { networks: ['192.0.2.0/24'] }, window: { start: t(10 + 1440), end: t(3 * 1440) } } });

  // Commitments: avalon affirms both; borealis only "no-first-use" in the period (it affirmed the other before it).
  logs.say('borealis', { type: 'commitment-affirmation', time: t(-500), body: { commitments: ['election-non-interference'] } });
  logs.say('avalon', { type: 'commitment-affirmation', time: t(20), body: { commitments: ['election-non-interference', 'no-first-use'] } });
  logs.say('borealis', { type: 'commitment-affirmation', time: t(30), body: { commitments: ['no-first-use'] } });
  return logs;
}

describe('compliance figures of a hand-worked scenario', () => {
  const logs = scenario();
  const report = complianceFigures(logs.all, logs.agreement, { from: t(0), to: t(3000) }, t(2000));
  const party = (id: string) => {
    const p = report.parties[id];
    assert.ok(p, id);
    return p;
  };

  test('acknowledgements against their deadlines', () => {
    assert.deepEqual(party('borealis').acknowledgements, {
      count: 3, onTime: 1, late: 1, missing: 1, pending: 0, cancelled: 0, medianMs: 80 * MIN, p90Ms: 100 * MIN,
    });
    assert.deepEqual(party('avalon').acknowledgements, {
      count: 1, onTime: 1, late: 0, missing: 0, pending: 0, cancelled: 0, medianMs: 30 * MIN, p90Ms: 30 * MIN,
    });
    assert.deepEqual(party('cathay').acknowledgements, {
      count: 1, onTime: 0, late: 0, missing: 0, pending: 1, cancelled: 0, medianMs: null, p90Ms: null,
    });
  });

  test('responses against their deadlines, and what is overdue now', () => {
    assert.deepEqual(party('borealis').responses, {
      count: 1, onTime: 1, late: 0, missing: 0, pending: 0, cancelled: 0, medianMs: 600 * MIN, p90Ms: 600 * MIN,
    });
    assert.equal(party('avalon').responses.count, 0);
    assert.equal(party('borealis').overdue, 1);
    assert.equal(party('avalon').overdue, 0);
    assert.equal(party('cathay').overdue, 0);
  });

  test('cases opened in the period', () => {
    // avalon:1, avalon:2, avalon:3 and the prior notice avalon:pn; avalon:0 is before the period.
    assert.equal(party('avalon').casesOpened, 4);
    assert.equal(party('borealis').casesOpened, 1);
    assert.equal(party('cathay').casesOpened, 2);
  });

  test('communication checks sent, answered and their latency', () => {
    assert.deepEqual(party('borealis').communicationChecks, {
      sent: 1, received: 1, answered: 1, onTime: 1, late: 0, unanswered: 0, pending: 0,
      medianLatencyMs: 10 * MIN, p90LatencyMs: 10 * MIN, maxLatencyMs: 10 * MIN,
    });
    assert.deepEqual(party('cathay').communicationChecks, {
      sent: 1, received: 1, answered: 1, onTime: 0, late: 1, unanswered: 0, pending: 0,
      medianLatencyMs: 100 * MIN, p90LatencyMs: 100 * MIN, maxLatencyMs: 100 * MIN,
    });
    assert.deepEqual(party('avalon').communicationChecks, {
      sent: 1, received: 2, answered: 0, onTime: 0, late: 0, unanswered: 1, pending: 1,
      medianLatencyMs: null, p90LatencyMs: null, maxLatencyMs: null,
    });
  });

  test('prior notices and their lead times, short ones included', () => {
    const a = party('avalon').priorNotices;
    assert.equal(a.given, 1);
    assert.equal(a.belowMinimum, 0);
    assert.equal(a.minLeadTimeMs, 5 * DAY);
    assert.equal(a.notices[0]?.activity, 'cyber-exercise');
    const c = party('cathay').priorNotices;
    assert.equal(c.given, 1);
    assert.equal(c.belowMinimum, 1);
    assert.deepEqual(c.notices.map((n) => [n.activity, n.given, n.windowStart, n.leadTimeMs, n.belowMinimum]),
      [['penetration-test', t(10), t(1450), DAY, true]]);
    assert.equal(party('borealis').priorNotices.given, 0);
    assert.equal(party('borealis').priorNotices.minLeadTimeMs, null);
    assert.equal(report.priorNoticeLeadTime, 'P3D');
  });

  test('commitments affirmed as the agreement asks', () => {
    // election-non-interference is re-affirmed at each review; no-first-use once.
    assert.deepEqual(party('avalon').commitments.affirmed, ['election-non-interference', 'no-first-use']);
    assert.deepEqual(party('avalon').commitments.missing, []);
    assert.deepEqual(party('borealis').commitments.affirmed, ['no-first-use']);
    assert.deepEqual(party('borealis').commitments.missing, ['election-non-interference']);
    assert.deepEqual(party('borealis').commitments.lastAffirmed, { 'election-non-interference': t(-500), 'no-first-use': t(30) });
    assert.deepEqual(party('cathay').commitments.missing, ['election-non-interference', 'no-first-use']);
  });

  test('the same figures whatever the order and repetition of the statements', () => {
    const shuffled = [...logs.all].reverse().concat(logs.all.slice(0, 5));
    assert.deepEqual(complianceFigures(shuffled, logs.agreement, { from: t(0), to: t(3000) }, t(2000)), report);
  });

  test('a later instant turns pending into missing', () => {
    const later = complianceFigures(logs.all, logs.agreement, { from: t(0), to: t(3000) }, t(2100));
    assert.equal(later.parties.cathay?.acknowledgements.missing, 1);
    assert.equal(later.parties.cathay?.overdue, 1);
    assert.equal(later.parties.avalon?.communicationChecks.unanswered, 2);
  });
});

describe('statistics', () => {
  test('median and nearest-rank percentile', () => {
    assert.equal(median([]), null);
    assert.equal(median([5]), 5);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(percentile([], 90), null);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), 10);
    assert.equal(percentile([7, 3], 90), 7);
    assert.equal(percentile([7, 3], 50), 3);
  });
});
