/**
 * Communication checks, from the logs: when this party's next scheduled check is due, which checks addressed to it
 * still wait for its reply, and how every addressee answered this party's own checks.
 *
 * Everything is read from the logs the node holds, never from a local record: the last check in the own log tells
 * when the next is due, and a reply in the own log tells that a check was answered — so a restart neither re-sends
 * nor re-answers.
 */
import { randomBytes } from 'node:crypto';
import type { Agreement } from '../protocol/agreement.js';
import { codebookFor } from '../protocol/codebook.js';
import { addDuration } from '../protocol/duration.js';
import { ProtocolError } from '../protocol/errors.js';
import { validateStatement } from '../protocol/statement-types.js';
import { refTo, type HashedStatement, type StatementRef } from '../protocol/statement.js';
import type { NodeApi } from './node-api.js';

export const CHECK = 'communication-check';
export const CHECK_REPLY = 'communication-check-reply';

/** The checks and replies of every log the node holds, in (time, author, index) order. */
export interface CheckStatements {
  checks: HashedStatement[];
  replies: HashedStatement[];
}

export async function readCheckStatements(node: NodeApi): Promise<CheckStatements> {
  const all = await node.statementsOfType([CHECK, CHECK_REPLY]);
  return { checks: all.filter((h) => h.statement.type === CHECK), replies: all.filter((h) => h.statement.type === CHECK_REPLY) };
}

/** A fresh nonce: 16 random bytes in lowercase hex. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** When this party's next scheduled check is due: `every` after its last one, or now if it never sent one. */
export function nextScheduledCheckMs(checks: readonly HashedStatement[], party: string, agreement: Agreement, nowMs: number): number {
  const own = checks.filter((h) => h.statement.author === party && h.statement.body?.scheduled === true);
  const last = own.at(-1);
  return last ? Date.parse(addDuration(last.statement.time, agreement.communicationChecks.every)) : nowMs;
}

/** When a check is due to be answered. */
export function answerDue(check: HashedStatement, agreement: Agreement): string {
  return addDuration(check.statement.time, agreement.communicationChecks.answerWithin);
}

/** Whether `reply` is a valid answer to `check` by `party`: it refers to the check, echoes its nonce, and obeys the agreement. */
function answers(reply: HashedStatement, check: HashedStatement, party: string, agreement: Agreement): boolean {
  const s = reply.statement;
  if (s.author !== party || s.refs[0]?.hash !== check.hash || s.body?.nonce !== check.statement.body?.nonce) return false;
  try {
    validateStatement(s, { agreement, codebook: codebookFor(agreement.codebook) });
    return true;
  } catch (e) {
    if (e instanceof ProtocolError) return false;
    throw e;
  }
}

/** The first valid reply by `party` to `check`, if any. */
export function replyOf(check: HashedStatement, party: string, replies: readonly HashedStatement[], agreement: Agreement): HashedStatement | undefined {
  return replies.find((r) => answers(r, check, party, agreement));
}

/** Checks by other parties addressed to `party` that it has not answered yet, oldest first. */
export function unansweredChecks(party: string, cs: CheckStatements, agreement: Agreement): HashedStatement[] {
  return cs.checks.filter((c) => c.statement.to.includes(party) && replyOf(c, party, cs.replies, agreement) === undefined);
}

/** The draft of a reply to `check`. A person's reply names the person; a node's does not. */
export function replyDraft(check: HashedStatement, person?: { name: string; role?: string }) {
  return {
    type: CHECK_REPLY,
    to: [check.statement.author],
    case: null,
    refs: [refTo(check)],
    body: person ? { nonce: check.statement.body?.nonce, answeredBy: 'person', person } : { nonce: check.statement.body?.nonce, answeredBy: 'node' },
  };
}

/** How one addressee answered one of this party's checks. */
export interface CheckAnswer {
  party: string;
  /** answered: within answerWithin; late: answered after it; missed: not answered and past it; pending: still time. */
  status: 'answered' | 'late' | 'missed' | 'pending';
  /** Reply time − check time, for answered and late. */
  latencyMs?: number;
  reply?: StatementRef;
}

export interface CheckResult {
  check: StatementRef;
  time: string;
  scheduled: boolean;
  answerDue: string;
  answers: CheckAnswer[];
}

/** The results of this party's own checks, newest first. */
export function checkResults(party: string, cs: CheckStatements, agreement: Agreement, nowMs: number): CheckResult[] {
  const own = cs.checks.filter((c) => c.statement.author === party);
  return own.reverse().map((check) => {
    const due = answerDue(check, agreement);
    const answers = check.statement.to.map((addressee): CheckAnswer => {
      const reply = replyOf(check, addressee, cs.replies, agreement);
      if (reply) {
        const latencyMs = Date.parse(reply.statement.time) - Date.parse(check.statement.time);
        return { party: addressee, status: Date.parse(reply.statement.time) <= Date.parse(due) ? 'answered' : 'late', latencyMs, reply: refTo(reply) };
      }
      return { party: addressee, status: nowMs > Date.parse(due) ? 'missed' : 'pending' };
    });
    return { check: refTo(check), time: check.statement.time, scheduled: check.statement.body?.scheduled === true, answerDue: due, answers };
  });
}
