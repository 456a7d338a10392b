/**
 * What the duty officer of this party must do, and by when: the case deadlines it owes that still run, and the
 * communication checks addressed to it that a person must answer (when the agreement says checks are answered by a
 * person). A check stays a reminder until it is answered, even past its answer time: a late answer still counts as
 * answered, only late.
 */
import type { Agreement } from '../protocol/agreement.js';
import { refTo, type StatementRef } from '../protocol/statement.js';
import { answerDue, unansweredChecks, type CheckStatements } from './communication-checks.js';
import type { DeadlineReminder } from './deadline-watch.js';

export interface Reminder {
  kind: 'acknowledgement' | 'response' | 'communication-check';
  /** The case, or null for a communication check. */
  case: string | null;
  /** The statement to answer. */
  statement: StatementRef;
  due: string;
  /** Negative once the due time has passed (only a check still waiting for a person can be past due here). */
  timeLeftMs: number;
}

/** Checks a person of `party` must still answer; none when the agreement lets the node answer. */
export function checkReminders(party: string, cs: CheckStatements, agreement: Agreement, nowMs: number): Reminder[] {
  if (agreement.communicationChecks.answeredBy !== 'person') return [];
  return unansweredChecks(party, cs, agreement).map((check) => {
    const due = answerDue(check, agreement);
    return { kind: 'communication-check', case: null, statement: refTo(check), due, timeLeftMs: Date.parse(due) - nowMs };
  });
}

/** Every reminder, soonest due first. */
export function allReminders(deadlines: readonly DeadlineReminder[], checks: readonly Reminder[]): Reminder[] {
  return [...deadlines.map((d): Reminder => ({ ...d })), ...checks].sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
}
