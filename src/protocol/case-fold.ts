/**
 * The case fold: a pure function from the statements of all parties' logs to the state of every case.
 *
 * The statements are first made a set (duplicates, by hash, count once) and put in one total order (case-order.ts),
 * then folded case by case. So any interleaving of the logs, and any repetition, gives the same state, and a
 * statement that refers to one not yet seen folds the same once both are present. The instant `at` only decides
 * which deadlines are overdue.
 *
 * A case exists once its opening statement is present: the first case-opening statement (notification, request,
 * prior notice, consultation request) in the case by the party whose id prefixes the case id.
 */
import type { Agreement, Tier } from './agreement.js';
import { codebookFor, severityRank, type Codebook } from './codebook.js';
import { addDuration, instantMs } from './duration.js';
import { ProtocolError } from './errors.js';
import { orderedStatements } from './case-order.js';
import type { CaseDeadline, CaseIssue, CaseState, CaseStatus } from './case-state.js';
import { STATEMENT_TYPES, validateStatement } from './statement-types.js';
import { refTo, type HashedStatement, type StatementRef } from './statement.js';

export type { CaseDeadline, CaseIssue, CaseState, CaseStatus, TimelineEntry } from './case-state.js';

/** A statement of a case with the outcome of its validation. */
interface Folded {
  h: HashedStatement;
  valid: boolean;
}

/** What the fold keeps while it walks a case's statements in order. */
interface Walk {
  agreement: Agreement;
  state: CaseState;
  tierIndex: number;
  hashes: Set<string>;
  lastEscalation: number;
  lastAnswer: number;
  acknowledged: boolean;
}

const ms = Date.parse;

function issue(w: Walk, h: HashedStatement, rule: string, message: string): void {
  w.state.issues.push({ statement: refTo(h), rule, message });
}

/** Validates one statement; a failure becomes an issue of its case. A prior notice given late is still a notice. */
function check(h: HashedStatement, agreement: Agreement, codebook: Codebook): { valid: boolean; error?: ProtocolError } {
  try {
    validateStatement(h.statement, { agreement, codebook });
    return { valid: true };
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { valid: e.rule === 'prior-notice.lead-time', error: e };
  }
}

function caseOwner(caseId: string): string {
  return caseId.slice(0, caseId.indexOf(':'));
}

function isOpener(h: HashedStatement, caseId: string): boolean {
  return STATEMENT_TYPES.get(h.statement.type)?.opensCase === true && h.statement.author === caseOwner(caseId);
}

function newState(caseId: string, opener: HashedStatement, agreement: Agreement): CaseState {
  const s = opener.statement;
  const body = s.body ?? {};
  const tier = agreement.escalation.ladder.includes(body.tier as Tier) ? (body.tier as Tier) : (agreement.escalation.ladder[0] ?? 'technical');
  return {
    id: caseId, opener: s.author, openedBy: refTo(opener), kind: s.type, opened: s.time,
    category: null, severity: null, activity: typeof body.activity === 'string' ? body.activity : null,
    tier, status: 'open', closed: null, participants: [], deadlines: [], needsEscalation: false,
    timeline: [], related: [], issues: [],
  };
}

/** Sets the deadlines a notification, request or consultation request gives each of its addressees. */
function setDeadlines(w: Walk, h: HashedStatement): void {
  const s = h.statement;
  const spec = STATEMENT_TYPES.get(s.type);
  const severity = s.body?.severity;
  if (!spec || spec.deadlines.length === 0 || typeof severity !== 'string') return;
  for (const kind of spec.deadlines) {
    const duration = w.agreement.deadlines[kind][severity];
    if (duration === undefined) {
      issue(w, h, 'case.deadline', `the agreement sets no ${kind} deadline for severity "${severity}"`);
      continue;
    }
    const due = addDuration(s.time, duration);
    for (const party of s.to) w.state.deadlines.push({ kind, party, statement: h.hash, from: s.time, due, overdue: false });
  }
}

/** An acknowledgement or response by `party` to statement `hash` meets the deadlines it answers (the earliest counts). */
function meet(w: Walk, h: HashedStatement, kinds: readonly string[]): void {
  const s = h.statement;
  const target = s.refs[0];
  if (!target || !w.hashes.has(target.hash)) {
    issue(w, h, 'case.refs', `refers to a statement that is not part of case ${w.state.id}`);
    return;
  }
  for (const d of w.state.deadlines) {
    if (d.statement === target.hash && d.party === s.author && kinds.includes(d.kind) && d.met === undefined) d.met = s.time;
  }
  w.lastAnswer = ms(s.time);
  if (s.type === 'acknowledgement') w.acknowledged = true;
}

function escalate(w: Walk, h: HashedStatement): void {
  const ladder = w.agreement.escalation.ladder;
  const to = ladder.indexOf(h.statement.body?.tier as Tier);
  if (to <= w.tierIndex) {
    issue(w, h, 'escalation.tier', `the case is already at tier "${w.state.tier}"; "${String(h.statement.body?.tier)}" is not higher`);
    return;
  }
  if (to > w.tierIndex + 1) issue(w, h, 'escalation.tier', `skips from "${w.state.tier}" to "${ladder[to]}" (escalation goes to the next tier)`);
  w.tierIndex = to;
  w.state.tier = ladder[to] as Tier;
  w.lastEscalation = ms(h.statement.time);
}

function close(w: Walk, h: HashedStatement): void {
  if (h.statement.author !== w.state.opener) {
    issue(w, h, 'closure.author', `only the opener (${w.state.opener}) closes the case`);
  } else if (w.state.closed === null) {
    w.state.closed = h.statement.time;
  }
}

/** First pass: what the case is about and what is owed — so that an answer stamped before its request still counts. */
function describeAndOwe(w: Walk, h: HashedStatement): void {
  const body = h.statement.body ?? {};
  if (typeof body.severity === 'string' && (w.state.severity === null || severityRank(body.severity) > severityRank(w.state.severity))) {
    w.state.severity = body.severity;
  }
  if (w.state.category === null && typeof body.category === 'string') w.state.category = body.category;
  setDeadlines(w, h);
}

/** Second pass: what was done, in order. */
function apply(w: Walk, h: HashedStatement): void {
  switch (h.statement.type) {
    case 'acknowledgement': return meet(w, h, ['acknowledgement']);
    case 'response': return meet(w, h, ['acknowledgement', 'response']);
    case 'escalation': return escalate(w, h);
    case 'closure': return close(w, h);
  }
}

/** Overdue and cancelled marks at instant `at`. Monotone in `at`: nothing un-becomes overdue. */
function markDeadlines(state: CaseState, at: number): void {
  const closed = state.closed === null ? Infinity : ms(state.closed);
  for (const d of state.deadlines) {
    const due = ms(d.due);
    const met = d.met === undefined ? Infinity : ms(d.met);
    if (due > closed && met > closed) d.cancelled = true;
    d.overdue = !d.cancelled && due < at && met > due;
  }
  state.deadlines.sort((a, b) => ms(a.due) - ms(b.due) || a.kind.localeCompare(b.kind) || a.party.localeCompare(b.party) || a.statement.localeCompare(b.statement));
}

function statusOf(w: Walk): CaseStatus {
  const { state } = w;
  if (state.closed !== null) return 'closed';
  if (w.lastEscalation > w.lastAnswer) return 'escalated';
  const running = (kind: string) => state.deadlines.filter((d) => d.kind === kind && !d.cancelled);
  const responses = running('response');
  const acks = running('acknowledgement');
  const pendingResponses = responses.filter((d) => d.met === undefined).length;
  if (responses.length > 0 && pendingResponses === 0) return 'answered';
  if (pendingResponses > 0 && w.lastAnswer > -Infinity) return 'awaiting-response';
  if (acks.length > 0 ? acks.every((d) => d.met !== undefined) : w.acknowledged) return 'acknowledged';
  return 'open';
}

function needsEscalation(w: Walk): boolean {
  const { state, agreement } = w;
  if (agreement.escalation.onOverdue !== 'escalate' || state.closed !== null) return false;
  if (w.tierIndex >= agreement.escalation.ladder.length - 1) return false;
  return state.deadlines.some((d) => d.overdue && ms(d.due) > w.lastEscalation);
}

function refKey(r: StatementRef): string {
  return `${r.party}\u0000${String(r.index).padStart(16, '0')}\u0000${r.hash}`;
}

/** Participants, timeline and related statements: everything about the case that does not depend on validity. */
function describe(w: Walk, folded: Folded[]): void {
  const participants = new Set<string>([w.state.opener]);
  const related = new Map<string, StatementRef>();
  for (const { h } of folded) {
    const s = h.statement;
    participants.add(s.author);
    s.to.forEach((p) => participants.add(p));
    w.state.timeline.push({ ...refTo(h), type: s.type, time: s.time });
    for (const r of s.refs) if (!w.hashes.has(r.hash)) related.set(refKey(r), { party: r.party, index: r.index, hash: r.hash });
  }
  w.state.participants = [...participants].sort();
  w.state.related = [...related.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function foldCase(caseId: string, folded: Folded[], agreement: Agreement, at: number, errors: Map<string, ProtocolError>): CaseState | undefined {
  const opener = folded.find((f) => f.valid && isOpener(f.h, caseId));
  if (!opener) return undefined;
  const state = newState(caseId, opener.h, agreement);
  const w: Walk = {
    agreement, state, tierIndex: agreement.escalation.ladder.indexOf(state.tier), hashes: new Set(folded.map((f) => f.h.hash)),
    lastEscalation: -Infinity, lastAnswer: -Infinity, acknowledged: false,
  };
  for (const f of folded) {
    const error = errors.get(f.h.hash);
    if (error) issue(w, f.h, error.rule, error.message);
    if (f.valid) describeAndOwe(w, f.h);
  }
  for (const f of folded) if (f.valid) apply(w, f.h);
  describe(w, folded);
  // Issues in timeline order, whichever pass found them.
  const position = new Map(folded.map((f, i) => [f.h.hash, i]));
  state.issues.sort((a, b) => (position.get(a.statement.hash) ?? 0) - (position.get(b.statement.hash) ?? 0));
  markDeadlines(state, at);
  state.status = statusOf(w);
  state.needsEscalation = needsEscalation(w);
  return state;
}

/**
 * The state of every case at instant `at`, keyed by case id (in the order the cases were opened).
 * Statements are assumed to be authentic (their signatures checked when they entered the logs); each is validated
 * against the agreement here, and one that breaks a rule is kept in its case's timeline and issues but changes nothing.
 */
export function foldCases(statements: Iterable<HashedStatement>, agreement: Agreement, at: string): Map<string, CaseState> {
  const codebook = codebookFor(agreement.codebook);
  const instant = instantMs(at, 'at');
  const byCase = new Map<string, Folded[]>();
  const errors = new Map<string, ProtocolError>();
  for (const h of orderedStatements(statements)) {
    if (h.statement.case === null) continue;
    const { valid, error } = check(h, agreement, codebook);
    if (error) errors.set(h.hash, error);
    const list = byCase.get(h.statement.case) ?? [];
    list.push({ h, valid });
    byCase.set(h.statement.case, list);
  }
  const cases: CaseState[] = [];
  for (const [caseId, folded] of byCase) {
    const state = foldCase(caseId, folded, agreement, instant, errors);
    if (state) cases.push(state);
  }
  cases.sort((a, b) => ms(a.opened) - ms(b.opened) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(cases.map((c) => [c.id, c]));
}
