/** The state of a case, as the case fold computes it from the statements of all parties' logs. */
import type { Tier } from './agreement.js';
import type { DeadlineKind } from './bodies/spec.js';
import type { StatementRef } from './statement.js';

export type CaseStatus = 'open' | 'acknowledged' | 'awaiting-response' | 'answered' | 'escalated' | 'closed';
export const CASE_STATUSES: readonly CaseStatus[] = ['open', 'acknowledged', 'awaiting-response', 'answered', 'escalated', 'closed'];

export interface CaseDeadline {
  kind: DeadlineKind;
  /** The party that owes the acknowledgement or response. */
  party: string;
  /** Hash of the statement that set the deadline (the notification, request…). */
  statement: string;
  /** The statement's time, from which the deadline runs. */
  from: string;
  due: string;
  /** Time of the earliest statement by `party` that met it, if any. */
  met?: string;
  /** Due before the instant of the fold and not met in time. Once overdue, always overdue: a late answer is late. */
  overdue: boolean;
  /** The case was closed before the deadline came, with the deadline unmet: it no longer runs. */
  cancelled?: boolean;
}

/** A statement of the case, in the fold's total order. */
export interface TimelineEntry extends StatementRef {
  type: string;
  time: string;
}

/** A statement of the case that broke a rule; it is kept in the timeline (it was signed) but did not change the state. */
export interface CaseIssue {
  statement: StatementRef;
  rule: string;
  message: string;
}

export interface CaseState {
  id: string;
  /** The party that opened the case (the prefix of its id). */
  opener: string;
  /** The statement that opened the case, and its type. */
  openedBy: StatementRef;
  kind: string;
  opened: string;
  category: string | null;
  /** The highest severity stated in the case. */
  severity: string | null;
  /** For a prior notice: the announced activity. */
  activity: string | null;
  tier: Tier;
  status: CaseStatus;
  closed: string | null;
  participants: string[];
  deadlines: CaseDeadline[];
  /** Whether the agreement escalates overdue cases and one of its deadlines went overdue since the last escalation. */
  needsEscalation: boolean;
  timeline: TimelineEntry[];
  /** Statements outside the case that statements of the case refer to. */
  related: StatementRef[];
  issues: CaseIssue[];
}
