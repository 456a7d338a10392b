/**
 * Which case deadlines concern this party now: those it owes that are still running (reminders), those that went
 * overdue (whoever owes them), and the next instant at which a running deadline turns overdue — the instant the
 * scheduler must wake to escalate. Pure: everything comes from the case fold and the instant given.
 */
import type { CaseDeadline, CaseState } from '../protocol/case-state.js';
import type { StatementRef } from '../protocol/statement.js';

/** A running deadline this party owes. */
export interface DeadlineReminder {
  kind: CaseDeadline['kind'];
  case: string;
  /** The statement that set the deadline (the notification, request…). */
  statement: StatementRef;
  due: string;
  timeLeftMs: number;
}

/** An overdue deadline of an open case. `owedBy` is the party that let it pass; `direction` is from this party's side. */
export interface OverdueMark {
  kind: CaseDeadline['kind'];
  case: string;
  tier: CaseState['tier'];
  statement: StatementRef;
  owedBy: string;
  direction: 'owed-by-us' | 'owed-to-us';
  due: string;
  overdueByMs: number;
  /** When it was met after all (a late answer stays overdue: it was late). */
  metLate?: string;
}

/** The statement of the case with this hash, as a reference (the fold's timeline holds every statement of the case). */
export function caseStatementRef(c: CaseState, hash: string): StatementRef {
  const entry = c.timeline.find((e) => e.hash === hash);
  if (!entry) throw new Error(`case ${c.id}: statement ${hash} is not in its timeline`);
  return { party: entry.party, index: entry.index, hash: entry.hash };
}

function running(d: CaseDeadline): boolean {
  return d.met === undefined && !d.cancelled && !d.overdue;
}

/** Deadlines `party` owes that still run, soonest first. */
export function deadlineReminders(cases: readonly CaseState[], party: string, nowMs: number): DeadlineReminder[] {
  const out: DeadlineReminder[] = [];
  for (const c of cases) {
    if (c.closed !== null) continue;
    for (const d of c.deadlines) {
      if (d.party !== party || !running(d)) continue;
      out.push({ kind: d.kind, case: c.id, statement: caseStatementRef(c, d.statement), due: d.due, timeLeftMs: Date.parse(d.due) - nowMs });
    }
  }
  return out.sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
}

/**
 * Overdue deadlines of open cases that concern `party`: those it owes, and those owed to it (in cases it opened or
 * by statements it made). A closed case's marks are history, shown by the case itself, not here.
 */
export function overdueMarks(cases: readonly CaseState[], party: string, nowMs: number): OverdueMark[] {
  const out: OverdueMark[] = [];
  for (const c of cases) {
    if (c.closed !== null) continue;
    for (const d of c.deadlines) {
      if (!d.overdue) continue;
      const statement = caseStatementRef(c, d.statement);
      const direction = d.party === party ? 'owed-by-us' : statement.party === party ? 'owed-to-us' : undefined;
      if (direction === undefined) continue;
      out.push({
        kind: d.kind, case: c.id, tier: c.tier, statement, owedBy: d.party, direction, due: d.due,
        overdueByMs: nowMs - Date.parse(d.due), ...(d.met !== undefined ? { metLate: d.met } : {}),
      });
    }
  }
  return out.sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
}

/**
 * The first instant after `nowMs` at which a running deadline turns overdue. The fold counts a deadline overdue only
 * strictly after its due time, so the instant is due + 1 ms.
 */
export function nextOverdueInstant(cases: readonly CaseState[], nowMs: number): number | undefined {
  let next: number | undefined;
  for (const c of cases) {
    if (c.closed !== null) continue;
    for (const d of c.deadlines) {
      if (!running(d)) continue;
      const at = Date.parse(d.due) + 1;
      if (at > nowMs && (next === undefined || at < next)) next = at;
    }
  }
  return next;
}
