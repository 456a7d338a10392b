/**
 * Sending on behalf of a person: the role decides what they may say (roles.ts), the node decides whether the
 * agreement allows it (DraftRejectedError → 422), and the two-person rule decides when it leaves: a draft that
 * speaks above the lowest tier (the diplomatic or political tier, an escalation to them) is kept as a pending
 * approval (approval-routes.ts) until a different approver approves it.
 */
import type { FastifyReply } from 'fastify';
import type { Tier } from '../protocol/agreement.js';
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import type { Approval, ApprovalStore } from '../storage/approval-store.js';
import { ApiError } from './api-errors.js';
import type { Principal } from './auth.js';
import { sendRefusal } from './roles.js';
import { sentView, type SentView } from './views.js';

/**
 * The tier a draft speaks at: its case's tier, raised by a tier the body names (an opening at the diplomatic tier,
 * an escalation to it). A draft outside any case speaks at the lowest tier.
 */
export async function draftTier(node: NodeApi, draft: StatementDraft): Promise<Tier> {
  const ladder = node.agreement.escalation.ladder;
  let rank = 0;
  if (typeof draft.case === 'string') {
    const c = await node.caseById(draft.case);
    if (c) rank = Math.max(rank, ladder.indexOf(c.tier));
  }
  const named = ladder.indexOf(draft.body?.tier as Tier);
  rank = Math.max(rank, named);
  return ladder[rank] ?? ladder[0] ?? 'technical';
}

/** What happened to a draft: sent now, or kept for a second person's approval. */
export type SendOutcome = { sent: SentView } | { pending: Approval };

/** Refuses (403) a draft the principal's role may not say at its tier. */
export async function checkMayStay(node: NodeApi, principal: Principal, draft: StatementDraft): Promise<Tier> {
  const lowest = node.agreement.escalation.ladder[0] ?? 'technical';
  const tier = await draftTier(node, draft);
  const refusal = sendRefusal(principal.role, draft.type, tier, lowest);
  if (refusal) throw new ApiError(403, 'auth.role', refusal);
  return tier;
}

export async function sendAs(node: NodeApi, principal: Principal, draft: StatementDraft, approvals: ApprovalStore): Promise<SendOutcome> {
  const tier = await checkMayStay(node, principal, draft);
  const lowest = node.agreement.escalation.ladder[0] ?? 'technical';
  if (tier !== lowest) {
    const { id, name, role } = principal;
    return { pending: await approvals.propose(draft, tier, { id, name, role }, new Date().toISOString()) };
  }
  return { sent: sentView(await node.send(draft)) };
}

/** 201 with the signed statement, or 202 with the pending approval. */
export function replyOutcome(reply: FastifyReply, outcome: SendOutcome): FastifyReply {
  if ('sent' in outcome) return reply.status(201).send(outcome.sent);
  return reply.status(202).send({
    approval: outcome.pending,
    message: `a statement at the ${outcome.pending.tier} tier leaves only when a second approver approves it (approval ${outcome.pending.id})`,
  });
}
