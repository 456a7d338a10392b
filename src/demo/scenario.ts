/**
 * The demo's story, played through the nodes' own API (NodeApi), as the parties' people would:
 *
 *  1. the second party gives prior notice of a cyber exercise;
 *  2. the first party notifies an attack on its election infrastructure that appears to come from the second's networks;
 *  3. the second party's node returns a signed receipt; a person there acknowledges within the deadline;
 *  4. the first party requests information, and attaches indicators; the second party responds;
 *  5. a second notification is left unanswered until its deadline passes, and the first party's node escalates it;
 *  6. a communication check, answered;
 *  7. the first case is closed; both parties affirm the electoral non-interference commitment.
 *
 * Each step waits until the statement has reached the parties it concerns, so the printed story is what happened.
 */
import { randomBytes } from 'node:crypto';
import type { HashedStatement, StatementRef } from '../protocol/statement.js';
import { parseStatement, refTo } from '../protocol/statement.js';
import { addDuration } from '../protocol/duration.js';
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import { waitFor } from './wait.js';

export interface ScenarioStep {
  /** What happened, in a sentence. */
  text: string;
  /** The statements it produced, as refs. */
  statements: StatementRef[];
  /** Clock time when the step completed. */
  at: string;
}

export interface ScenarioResult {
  steps: ScenarioStep[];
  /** The case ids the scenario opened. */
  cases: { answered: string; escalated: string; exercise: string };
}

export interface ScenarioOptions {
  /** Real milliseconds to wait for any one thing (a delivery, a receipt, an escalation) before giving up. */
  timeoutMs?: number;
  onStep?: (step: ScenarioStep) => void;
}

/** The first two parties of the agreement play the story; in a larger agreement the others mirror and witness it. */
export async function playScenario(nodes: NodeApi[], options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const [a, b] = nodes;
  if (!a || !b) throw new Error('the demo scenario needs at least two parties');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const steps: ScenarioStep[] = [];
  const suffix = randomBytes(3).toString('hex');
  const cases = { answered: `${a.party}:elections-${suffix}`, escalated: `${a.party}:scan-${suffix}`, exercise: `${b.party}:exercise-${suffix}` };

  const step = (text: string, statements: HashedStatement[]): void => {
    const s: ScenarioStep = { text, statements: statements.map(refTo), at: a.clock.nowIso() };
    steps.push(s);
    options.onStep?.(s);
  };
  /** Sends, then waits until every addressee holds the statement. */
  const say = async (from: NodeApi, draft: StatementDraft): Promise<HashedStatement> => {
    const h = await from.send(draft);
    const addressees = nodes.filter((n) => h.statement.to.includes(n.party));
    await waitFor(`${h.statement.type} from ${from.party} to reach ${h.statement.to.join(', ')}`, timeoutMs, async () => {
      const held = await Promise.all(addressees.map((n) => n.statementByHash(h.hash)));
      return held.every((v) => v !== undefined);
    });
    return h;
  };
  /** The receipt `by` signed for `h`, as the author's node holds it. */
  const receiptOf = async (h: HashedStatement, by: NodeApi): Promise<HashedStatement> => {
    const author = nodes.find((n) => n.party === h.statement.author) ?? a;
    let receipt: HashedStatement | undefined;
    await waitFor(`${by.party}'s receipt for ${h.statement.type} ${h.statement.author}#${h.statement.index}`, timeoutMs, async () => {
      const r = (await author.statementByHash(h.hash))?.receipts.find((x) => x.party === by.party);
      if (r) receipt = parseStatement(r.text);
      return receipt !== undefined;
    });
    return receipt as HashedStatement;
  };

  const now = Date.parse(b.clock.nowIso());
  // Beyond the longest lead time an example agreement asks (P5D).
  const windowStart = addDuration(new Date(now).toISOString(), 'P6D');
  const notice = await say(b, {
    type: 'prior-notice', case: cases.exercise,
    body: {
      activity: 'cyber-exercise', scope: { networks: ['203.0.113.0/24'], sectors: ['energy'] },
      window: { start: windowStart, end: addDuration(windowStart, 'P2D') },
      text: 'National grid defence exercise; simulated attack traffic stays inside the listed network.', language: 'en',
    },
  });
  step(`${b.party} gives prior notice of a cyber exercise (${cases.exercise}), six days ahead`, [notice]);

  const notification = await say(a, {
    type: 'notification', to: [b.party], case: cases.answered,
    body: {
      category: 'availability.ddos', severity: 'high',
      summary: 'DDoS against the central election commission portal from addresses in your networks',
      actions: ['investigate', 'block-source'], scope: { networks: ['198.51.100.0/24'], sectors: ['elections'] },
      firstSeen: a.clock.nowIso(), language: 'en',
    },
  });
  step(`${a.party} notifies ${b.party} of an attack on its election infrastructure (${cases.answered}, severity high)`, [notification]);

  const receipt = await receiptOf(notification, b);
  step(`${b.party}'s node returns a signed receipt (${b.party}#${receipt.statement.index})`, [receipt]);

  const ack = await say(b, {
    type: 'acknowledgement', case: cases.answered, refs: [refTo(notification)],
    body: { by: { name: 'Irina Volkova', role: 'Duty officer, Borduria National CERT' }, note: 'Received; investigating.', language: 'en' },
  });
  step(`${b.party}'s duty officer acknowledges within the deadline`, [ack]);

  const request = await say(a, {
    type: 'request-for-information', to: [b.party], case: cases.answered, refs: [refTo(notification)],
    body: {
      severity: 'high', category: 'availability.ddos', language: 'en',
      questions: ['Which hosts in 198.51.100.0/24 take part in the attack, and have they been isolated?'],
    },
  });
  const shared = await say(a, {
    type: 'indicators', to: [b.party], case: cases.answered, refs: [refTo(request)],
    body: {
      tlp: 'AMBER',
      objects: [{
        type: 'indicator', spec_version: '2.1', id: `indicator--${uuidFrom(suffix)}`,
        created: a.clock.nowIso(), modified: a.clock.nowIso(), name: 'DDoS source',
        pattern: "[ipv4-addr:value = '198.51.100.23']", pattern_type: 'stix', valid_from: a.clock.nowIso(),
      }],
    },
  });
  step(`${a.party} requests information and attaches indicators (STIX 2.1, TLP:AMBER)`, [request, shared]);

  const response = await say(b, {
    type: 'response', case: cases.answered, refs: [refTo(request)],
    body: { outcome: 'action-taken', text: 'Three hosts in 198.51.100.0/24 were compromised and have been isolated.', language: 'en' },
  });
  step(`${b.party} responds: action taken`, [response]);

  const unanswered = await say(a, {
    type: 'notification', to: [b.party], case: cases.escalated,
    body: {
      category: 'information-gathering.scanner', severity: 'critical',
      summary: 'Scanning of vote-counting servers from addresses in your networks', actions: ['investigate', 'cease-activity'],
      scope: { networks: ['198.51.100.0/24'], sectors: ['elections'] }, language: 'en',
    },
  });
  step(`${a.party} notifies a second incident (${cases.escalated}, critical); nobody at ${b.party} acknowledges it`, [unanswered]);

  const escalated = await escalationOf(a, cases.escalated, timeoutMs * 4);
  step(`the acknowledgement deadline passes; ${a.party} escalates ${cases.escalated} to the ${String(escalated.statement.body?.tier)} tier`
    + (a.agreement.escalation.onOverdue === 'escalate' ? ' (its node does so by itself, as the agreement says)' : ' (the agreement says remind: a person escalates)'), [escalated]);

  const check = await say(a, { type: 'communication-check', to: [b.party], body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });
  const reply = await say(b, {
    type: 'communication-check-reply', refs: [refTo(check)],
    body: { nonce: check.statement.body?.nonce, answeredBy: 'person', person: { name: 'Aleksei Gromov', role: 'Watch officer, Borduria RRC' } },
  });
  step(`communication check: ${b.party}'s watch officer answers ${a.party}'s check`, [check, reply]);

  const closure = await say(a, { type: 'closure', case: cases.answered, to: [b.party], body: { reason: 'resolved', text: 'Attack traffic stopped.', language: 'en' } });
  step(`${a.party} closes ${cases.answered}: resolved`, [closure]);

  const affirmations: HashedStatement[] = [];
  for (const n of [a, b]) {
    affirmations.push(await say(n, { type: 'commitment-affirmation', body: { commitments: ['electoral-non-interference'], language: 'en' } }));
  }
  step(`${a.party} and ${b.party} affirm the commitment not to interfere in each other's elections`, affirmations);
  return { steps, cases };
}

/**
 * The escalation of a case whose deadline lapses: the node signs it itself where the agreement says "escalate";
 * where it says "remind", the overdue mark is the reminder and a person escalates.
 */
async function escalationOf(a: NodeApi, caseId: string, timeoutMs: number): Promise<HashedStatement> {
  if (a.agreement.escalation.onOverdue !== 'escalate') {
    await waitFor(`the deadline of ${caseId} to pass`, timeoutMs, async () => (await a.caseById(caseId))?.deadlines.some((d) => d.overdue) ?? false);
    const state = await a.caseById(caseId);
    const overdue = state?.deadlines.find((d) => d.overdue);
    const opening = await a.statementByHash(overdue?.statement ?? '');
    const next = a.agreement.escalation.ladder[a.agreement.escalation.ladder.indexOf(state?.tier ?? 'technical') + 1];
    return a.send({
      type: 'escalation', case: caseId, to: state?.participants.filter((p) => p !== a.party),
      refs: opening ? [refTo(opening.statement)] : [],
      body: { tier: next ?? 'diplomatic', reason: 'overdue', text: 'No acknowledgement by the deadline.', language: 'en' },
    });
  }
  let escalation: HashedStatement | undefined;
  await waitFor(`the escalation of ${caseId} after its acknowledgement deadline`, timeoutMs, async () => {
    const entry = (await a.caseById(caseId))?.timeline.find((t) => t.type === 'escalation');
    if (entry) escalation = (await a.statement(entry.party, entry.index))?.statement;
    return escalation !== undefined;
  });
  return escalation as HashedStatement;
}

/** A fixed-form UUID (v4 layout) from the run's random suffix, so indicator ids differ between runs. */
function uuidFrom(suffix: string): string {
  const hex = (suffix + randomBytes(16).toString('hex')).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
