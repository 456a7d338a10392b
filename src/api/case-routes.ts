/** The cases: list and detail for everyone who reads, and the actions a duty officer or approver takes on one. */
import type { Static, TSchema } from '@sinclair/typebox';
import type { CaseState } from '../protocol/case-state.js';
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import type { ApiApp } from './api-app.js';
import { principalOf } from './auth.js';
import { acknowledgeDraft, caseOrNotFound, closeDraft, escalateDraft, requestInformationDraft, respondDraft } from './case-drafts.js';
import { APPROVERS, READERS, SENDERS } from './roles.js';
import { AcknowledgeSchema, AnyJson, SentSchema, CaseFilters, CaseParams, CloseSchema, ErrorSchema, EscalateSchema, RequestInformationSchema, RespondSchema } from './schemas.js';
import { replyOutcome, sendAs } from './sending.js';
import type { ApprovalStore } from '../storage/approval-store.js';
import { caseJson } from './views.js';

function matches(c: CaseState, f: Static<typeof CaseFilters>): boolean {
  return (f.status === undefined || c.status === f.status)
    && (f.party === undefined || c.participants.includes(f.party) || c.opener === f.party)
    && (f.tier === undefined || c.tier === f.tier)
    && (f.category === undefined || c.category === f.category);
}

interface CaseAction<S extends TSchema> {
  path: string;
  summary: string;
  body: S;
  roles: typeof SENDERS;
  draft: (node: NodeApi, c: CaseState, input: Static<S>) => StatementDraft | Promise<StatementDraft>;
}

function registerAction<S extends TSchema>(app: ApiApp, node: NodeApi, approvals: ApprovalStore, a: CaseAction<S>): void {
  app.post(`/cases/:id/${a.path}`, {
    config: { roles: a.roles },
    schema: { tags: ['case actions'], summary: a.summary, params: CaseParams, body: a.body, response: { 201: SentSchema, 202: AnyJson, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 422: ErrorSchema } },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const c = await caseOrNotFound(node, request.params.id);
    return replyOutcome(reply, await sendAs(node, principal, await a.draft(node, c, request.body as Static<S>), approvals));
  });
}

export function registerCaseRoutes(app: ApiApp, node: NodeApi, approvals: ApprovalStore): void {
  app.get('/cases', {
    config: { roles: READERS },
    schema: { tags: ['cases'], summary: 'The cases, as the fold of every log this node holds sees them now', querystring: CaseFilters },
  }, async (request) => (await node.cases()).filter((c) => matches(c, request.query)));

  app.get('/cases/:id', {
    config: { roles: READERS },
    schema: { tags: ['cases'], summary: "A case's state and timeline, with each statement", params: CaseParams, response: { 200: AnyJson, 404: ErrorSchema } },
  }, async (request) => caseJson(node, await caseOrNotFound(node, request.params.id)));

  registerAction(app, node, approvals, { path: 'acknowledge', summary: 'Acknowledge the statement this party owes an acknowledgement for (or `ref`)', body: AcknowledgeSchema, roles: SENDERS, draft: acknowledgeDraft });
  registerAction(app, node, approvals, { path: 'request-information', summary: 'Ask the other parties of the case questions', body: RequestInformationSchema, roles: SENDERS, draft: requestInformationDraft });
  registerAction(app, node, approvals, { path: 'respond', summary: 'Answer the request this party owes a response to (or `ref`)', body: RespondSchema, roles: SENDERS, draft: respondDraft });
  registerAction(app, node, approvals, { path: 'escalate', summary: 'Take the case to the next tier (or `tier`)', body: EscalateSchema, roles: APPROVERS, draft: escalateDraft });
  registerAction(app, node, approvals, { path: 'close', summary: 'Close a case this party opened', body: CloseSchema, roles: SENDERS, draft: closeDraft });
}
