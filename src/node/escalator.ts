/**
 * Automatic escalation: when a case this party opened has a deadline another party let pass, and the agreement says
 * overdue cases escalate, the opener signs an `escalation` to the next tier of the ladder.
 *
 * The log is the memory: the fold's `needsEscalation` turns false once the escalation is in the log (it compares the
 * overdue deadlines with the last escalation's time), so a restarted node never escalates the same lapse twice. No
 * local flag is kept; the scheduler runs one pass at a time, and each case is re-read just before signing.
 */
import type { Logger } from 'pino';
import type { Tier } from '../protocol/agreement.js';
import type { CaseDeadline, CaseState } from '../protocol/case-state.js';
import type { HashedStatement } from '../protocol/statement.js';
import { caseStatementRef } from './deadline-watch.js';
import { DraftRejectedError, type NodeApi } from './node-api.js';

/** The tier above the case's, or undefined at the top of the ladder. */
export function nextTier(ladder: readonly Tier[], tier: Tier): Tier | undefined {
  const at = ladder.indexOf(tier);
  return at < 0 ? undefined : ladder[at + 1];
}

/** When the case was last escalated (by a valid or invalid statement: the fold decides validity, this only orders). */
function lastEscalationMs(c: CaseState): number {
  const times = c.timeline.filter((e) => e.type === 'escalation').map((e) => Date.parse(e.time));
  return times.length ? Math.max(...times) : -Infinity;
}

/** The lapse that calls for escalation: the earliest deadline owed by another party that went overdue since the last escalation. */
export function escalationCause(c: CaseState, party: string): CaseDeadline | undefined {
  const since = lastEscalationMs(c);
  return c.deadlines.find((d) => d.overdue && d.party !== party && Date.parse(d.due) > since);
}

/** Whether this party should escalate the case now. */
export function shouldEscalate(c: CaseState, party: string, ladder: readonly Tier[]): boolean {
  return c.opener === party && c.closed === null && c.needsEscalation
    && nextTier(ladder, c.tier) !== undefined && escalationCause(c, party) !== undefined;
}

function kindText(d: CaseDeadline): string {
  return d.kind === 'acknowledgement' ? 'No acknowledgement' : 'No response';
}

/**
 * Escalates every case of this party that needs it, one statement per case. Returns the escalations signed.
 * Call only from one pass at a time (the scheduler serializes its work).
 */
export async function escalateOverdueCases(node: NodeApi, logger: Logger): Promise<HashedStatement[]> {
  const { ladder } = node.agreement.escalation;
  if (node.agreement.escalation.onOverdue !== 'escalate') return [];
  const signed: HashedStatement[] = [];
  for (const seen of await node.cases()) {
    if (!shouldEscalate(seen, node.party, ladder)) continue;
    // Re-read the case: the snapshot may be older than a statement signed since (the log decides, not the snapshot).
    const c = await node.caseById(seen.id);
    if (!c || !shouldEscalate(c, node.party, ladder)) continue;
    const cause = escalationCause(c, node.party) as CaseDeadline;
    const tier = nextTier(ladder, c.tier) as Tier;
    let h: HashedStatement;
    try {
      h = await node.send({
        type: 'escalation',
        to: c.participants.filter((p) => p !== node.party),
        case: c.id,
        refs: [caseStatementRef(c, cause.statement)],
        body: { tier, reason: 'overdue', text: `${kindText(cause)} from ${cause.party} by ${cause.due}.`, language: 'en' },
      });
    } catch (e) {
      // One case the agreement will not let escalate must not hold up the others; the next pass tries again.
      if (!(e instanceof DraftRejectedError)) throw e;
      logger.error({ case: c.id, tier, rule: e.rule, path: e.path }, `could not escalate: ${e.message}`);
      continue;
    }
    logger.info({ case: c.id, tier, overdue: cause.kind, owedBy: cause.party, index: h.statement.index, hash: h.hash }, 'signed escalation');
    signed.push(h);
  }
  return signed;
}
