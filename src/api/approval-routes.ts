/**
 * The two-person rule: drafts above the lowest tier wait here until a different approver approves them (the node
 * then signs and sends them) or someone rejects them. Duty officers and auditors see the queue; approvers decide.
 */
import { Type } from '@sinclair/typebox';
import type { NodeApi } from '../node/node-api.js';
import type { Approval, ApprovalStore } from '../storage/approval-store.js';
import type { ApiApp } from './api-app.js';
import { ApiError, NotFoundError } from './api-errors.js';
import { principalOf } from './auth.js';
import { APPROVERS, READERS } from './roles.js';
import { AnyJson, ErrorSchema } from './schemas.js';
import { checkMayStay } from './sending.js';
import { sentView } from './views.js';

const ApprovalParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'the approval id' }) });
const ApprovalQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])),
}, { additionalProperties: false });
const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

async function pendingOrRefuse(approvals: ApprovalStore, id: number): Promise<Approval> {
  const a = await approvals.byId(id);
  if (!a) throw new NotFoundError('approval.unknown', `no approval ${id}`);
  if (a.status !== 'pending') throw new ApiError(409, 'approval.decided', `approval ${id} was already ${a.status} by ${a.decidedBy?.name ?? 'someone'}`);
  return a;
}

export function registerApprovalRoutes(app: ApiApp, node: NodeApi, approvals: ApprovalStore): void {
  app.get('/approvals', {
    config: { roles: READERS },
    schema: { tags: ['approvals'], summary: 'Drafts above the lowest tier and what became of them, newest first', querystring: ApprovalQuery },
  }, async (request) => approvals.list(request.query.status));

  app.post('/approvals/:id/approve', {
    config: { roles: APPROVERS },
    schema: {
      tags: ['approvals'], summary: 'Approve a draft someone else proposed: the node signs and sends it now', params: ApprovalParams,
      response: { 201: AnyJson, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const a = await pendingOrRefuse(approvals, request.params.id);
    if (a.proposedBy.id === principal.id) {
      throw new ApiError(403, 'approval.same-person', `${principal.name} proposed approval ${a.id}: a second person must approve it`);
    }
    // The case may have moved since the draft was made: the approver must be allowed to say it now.
    await checkMayStay(node, principal, a.draft);
    const { id, name, role } = principal;
    if (!(await approvals.decide(a.id, 'approved', { id, name, role }, new Date().toISOString()))) {
      throw new ApiError(409, 'approval.decided', `approval ${a.id} was decided by someone else meanwhile`);
    }
    try {
      const sent = sentView(await node.send(a.draft));
      await approvals.markSent(a.id, { index: sent.index, hash: sent.hash });
      request.log.info({ approval: a.id, approvedBy: name, index: sent.index }, 'approved draft sent');
      return reply.status(201).send({ approval: await approvals.byId(a.id), sent });
    } catch (e) {
      await approvals.reopen(a.id);
      throw e;
    }
  });

  app.post('/approvals/:id/reject', {
    config: { roles: APPROVERS },
    schema: { tags: ['approvals'], summary: 'Reject a pending draft: it is never sent', params: ApprovalParams, body: RejectBody },
  }, async (request) => {
    const principal = principalOf(request);
    const a = await pendingOrRefuse(approvals, request.params.id);
    const { id, name, role } = principal;
    if (!(await approvals.decide(a.id, 'rejected', { id, name, role }, new Date().toISOString(), request.body.reason))) {
      throw new ApiError(409, 'approval.decided', `approval ${a.id} was decided by someone else meanwhile`);
    }
    return approvals.byId(a.id);
  });
}
