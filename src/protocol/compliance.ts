/**
 * Compliance figures: what the annual review looks at, computed from the same statements as the cases — per party,
 * how fast it acknowledged and responded against the agreed deadlines, how many deadlines it let pass, how it
 * answered communication checks, the prior notices it gave and their lead times, the commitments it affirmed.
 *
 * Pure and deterministic: every party can compute the figures from the logs and compare them with another's
 * review report. Times are in milliseconds. Medians are the middle value (the mean of the two middle values for an
 * even count); the 90th percentile is by nearest rank (the smallest value with at least 90 % of values at or below it).
 */
import type { Agreement } from './agreement.js';
import { codebookFor, type Codebook } from './codebook.js';
import { foldCases } from './case-fold.js';
import { orderedStatements } from './case-order.js';
import type { CaseDeadline } from './case-state.js';
import { addDuration, instantMs } from './duration.js';
import { ProtocolError } from './errors.js';
import { validateStatement } from './statement-types.js';
import { refTo, type HashedStatement, type StatementRef } from './statement.js';

export interface Period {
  /** Inclusive. */
  from: string;
  /** Exclusive. */
  to: string;
}

/** Figures for one kind of deadline a party owed (acknowledgements, or responses). */
export interface DeadlineFigures {
  /** Deadlines set in the period (by statements made in it). */
  count: number;
  onTime: number;
  late: number;
  /** Past due and still not met at the instant of the report. */
  missing: number;
  /** Not met, not yet due. */
  pending: number;
  /** The case was closed before the deadline came. */
  cancelled: number;
  /** Time from the statement to its acknowledgement or response, over those met. */
  medianMs: number | null;
  p90Ms: number | null;
}

export interface CheckFigures {
  /** Checks the party sent in the period. */
  sent: number;
  /** Checks addressed to the party in the period, and how it answered them. */
  received: number;
  answered: number;
  onTime: number;
  late: number;
  unanswered: number;
  pending: number;
  medianLatencyMs: number | null;
  p90LatencyMs: number | null;
  maxLatencyMs: number | null;
}

export interface PriorNoticeFigure {
  statement: StatementRef;
  activity: string;
  given: string;
  windowStart: string;
  leadTimeMs: number;
  belowMinimum: boolean;
}

export interface PriorNoticeFigures {
  given: number;
  belowMinimum: number;
  minLeadTimeMs: number | null;
  notices: PriorNoticeFigure[];
}

export interface CommitmentFigures {
  /** Commitment ids affirmed as the agreement asks: in the period for "each-review", at any time before its end for "once". */
  affirmed: string[];
  missing: string[];
  /** The last affirmation of each commitment up to the period's end. */
  lastAffirmed: Record<string, string>;
}

export interface PartyFigures {
  party: string;
  casesOpened: number;
  acknowledgements: DeadlineFigures;
  responses: DeadlineFigures;
  /** Deadlines of the period past due and not met at the instant of the report. */
  overdue: number;
  communicationChecks: CheckFigures;
  priorNotices: PriorNoticeFigures;
  commitments: CommitmentFigures;
}

export interface ComplianceReport {
  agreement: string;
  period: Period;
  at: string;
  priorNoticeLeadTime: string;
  checkAnswerWithin: string;
  parties: Record<string, PartyFigures>;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  return v[Math.max(0, Math.ceil((p / 100) * v.length) - 1)] as number;
}

interface Context {
  agreement: Agreement;
  codebook: Codebook;
  from: number;
  to: number;
  at: number;
}

/** Valid statements only — except a prior notice given short, which is exactly what the figures must show. */
function usable(h: HashedStatement, ctx: Context): boolean {
  try {
    validateStatement(h.statement, ctx);
    return true;
  } catch (e) {
    if (e instanceof ProtocolError) return e.rule === 'prior-notice.lead-time';
    throw e;
  }
}

function inPeriod(time: string, ctx: Context): boolean {
  const t = Date.parse(time);
  return t >= ctx.from && t < ctx.to;
}

function deadlineFigures(deadlines: CaseDeadline[], at: number): DeadlineFigures {
  const f: DeadlineFigures = { count: deadlines.length, onTime: 0, late: 0, missing: 0, pending: 0, cancelled: 0, medianMs: null, p90Ms: null };
  const times: number[] = [];
  for (const d of deadlines) {
    if (d.met !== undefined) {
      times.push(Date.parse(d.met) - Date.parse(d.from));
      if (Date.parse(d.met) <= Date.parse(d.due)) f.onTime++;
      else f.late++;
    } else if (d.cancelled) f.cancelled++;
    else if (Date.parse(d.due) < at) f.missing++;
    else f.pending++;
  }
  f.medianMs = median(times);
  f.p90Ms = percentile(times, 90);
  return f;
}

function checkFigures(party: string, statements: HashedStatement[], ctx: Context): CheckFigures {
  const within = ctx.agreement.communicationChecks.answerWithin;
  const checks = statements.filter((h) => h.statement.type === 'communication-check' && inPeriod(h.statement.time, ctx));
  const received = checks.filter((h) => h.statement.to.includes(party));
  const f: CheckFigures = {
    sent: checks.filter((h) => h.statement.author === party).length, received: received.length,
    answered: 0, onTime: 0, late: 0, unanswered: 0, pending: 0, medianLatencyMs: null, p90LatencyMs: null, maxLatencyMs: null,
  };
  // The first reply by the party to each check that echoes the check's nonce (statements are in time order).
  const replies = new Map<string, HashedStatement>();
  for (const h of statements) {
    const ref = h.statement.refs[0];
    if (h.statement.type === 'communication-check-reply' && h.statement.author === party && ref && !replies.has(ref.hash)) {
      const check = received.find((c) => c.hash === ref.hash);
      if (check && h.statement.body?.nonce === check.statement.body?.nonce) replies.set(ref.hash, h);
    }
  }
  const latencies: number[] = [];
  for (const check of received) {
    const due = Date.parse(addDuration(check.statement.time, within));
    const reply = replies.get(check.hash);
    if (reply) {
      const latency = Date.parse(reply.statement.time) - Date.parse(check.statement.time);
      latencies.push(latency);
      f.answered++;
      if (Date.parse(reply.statement.time) <= due) f.onTime++;
      else f.late++;
    } else if (due < ctx.at) f.unanswered++;
    else f.pending++;
  }
  f.medianLatencyMs = median(latencies);
  f.p90LatencyMs = percentile(latencies, 90);
  f.maxLatencyMs = latencies.length ? Math.max(...latencies) : null;
  return f;
}

function priorNoticeFigures(party: string, statements: HashedStatement[], ctx: Context): PriorNoticeFigures {
  const lead = ctx.agreement.deadlines.priorNoticeLeadTime;
  const notices = statements
    // A notice sealed to others has no window this party can read: it counts among the figures of its readers only.
    .filter((h) => h.statement.type === 'prior-notice' && h.statement.author === party && h.statement.body !== undefined && inPeriod(h.statement.time, ctx))
    .map((h): PriorNoticeFigure => {
      const s = h.statement;
      const windowStart = (s.body?.window as { start: string }).start;
      return {
        statement: refTo(h), activity: s.body?.activity as string, given: s.time, windowStart,
        leadTimeMs: Date.parse(windowStart) - Date.parse(s.time),
        belowMinimum: Date.parse(windowStart) < Date.parse(addDuration(s.time, lead)),
      };
    });
  return {
    given: notices.length,
    belowMinimum: notices.filter((n) => n.belowMinimum).length,
    minLeadTimeMs: notices.length ? Math.min(...notices.map((n) => n.leadTimeMs)) : null,
    notices,
  };
}

function commitmentFigures(party: string, statements: HashedStatement[], ctx: Context): CommitmentFigures {
  const lastAffirmed: Record<string, string> = {};
  const inThisPeriod = new Set<string>();
  for (const h of statements) {
    const s = h.statement;
    if (s.type !== 'commitment-affirmation' || s.author !== party || Date.parse(s.time) >= ctx.to) continue;
    for (const id of s.body?.commitments as string[]) {
      lastAffirmed[id] = s.time;
      if (inPeriod(s.time, ctx)) inThisPeriod.add(id);
    }
  }
  const affirmed: string[] = [];
  const missing: string[] = [];
  for (const c of ctx.agreement.commitments) {
    const ok = c.reaffirm === 'each-review' ? inThisPeriod.has(c.id) : lastAffirmed[c.id] !== undefined;
    (ok ? affirmed : missing).push(c.id);
  }
  return { affirmed: affirmed.sort(), missing: missing.sort(), lastAffirmed };
}

/**
 * The figures of every party for the statements made in `period` (from inclusive, to exclusive), as they stand
 * at instant `at`: a deadline not yet due at `at` is pending, not missing.
 */
export function complianceFigures(statements: Iterable<HashedStatement>, agreement: Agreement, period: Period, at: string): ComplianceReport {
  const ctx: Context = {
    agreement, codebook: codebookFor(agreement.codebook),
    from: instantMs(period.from, 'period.from'), to: instantMs(period.to, 'period.to'), at: instantMs(at, 'at'),
  };
  const valid = orderedStatements(statements).filter((h) => usable(h, ctx));
  const cases = [...foldCases(valid, agreement, at).values()];
  const deadlines = cases.flatMap((c) => c.deadlines).filter((d) => inPeriod(d.from, ctx));
  const parties: Record<string, PartyFigures> = {};
  for (const { id: party } of agreement.parties) {
    const owed = (kind: string) => deadlines.filter((d) => d.party === party && d.kind === kind);
    const acknowledgements = deadlineFigures(owed('acknowledgement'), ctx.at);
    const responses = deadlineFigures(owed('response'), ctx.at);
    parties[party] = {
      party,
      casesOpened: cases.filter((c) => c.opener === party && inPeriod(c.opened, ctx)).length,
      acknowledgements,
      responses,
      overdue: acknowledgements.missing + responses.missing,
      communicationChecks: checkFigures(party, valid, ctx),
      priorNotices: priorNoticeFigures(party, valid, ctx),
      commitments: commitmentFigures(party, valid, ctx),
    };
  }
  return {
    agreement: agreement.id, period: { ...period }, at,
    priorNoticeLeadTime: agreement.deadlines.priorNoticeLeadTime,
    checkAnswerWithin: agreement.communicationChecks.answerWithin,
    parties,
  };
}
