/**
 * Sending on behalf of a person: the role decides what they may say (roles.ts), the node decides whether the
 * agreement allows it (DraftRejectedError → 422).
 */
import type { Tier } from '../protocol/agreement.js';
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import type { ApiToken } from '../storage/store.js';
import { ApiError } from './api-errors.js';
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

export async function sendAs(node: NodeApi, principal: ApiToken, draft: StatementDraft): Promise<SentView> {
  const lowest = node.agreement.escalation.ladder[0] ?? 'technical';
  const refusal = sendRefusal(principal.role, draft.type, await draftTier(node, draft), lowest);
  if (refusal) throw new ApiError(403, 'auth.role', refusal);
  return sentView(await node.send(draft));
}
