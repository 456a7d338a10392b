/** POST /statements (any type, as a draft) and GET /statements/:author/:index. */
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import { NotFoundError } from './api-errors.js';
import type { ApiApp } from './api-app.js';
import { principalOf } from './auth.js';
import { READERS, SENDERS } from './roles.js';
import { AnyJson, DraftSchema, ErrorSchema, SentSchema, StatementParams } from './schemas.js';
import { replyOutcome, sendAs } from './sending.js';
import type { ApprovalStore } from '../storage/approval-store.js';
import { statementJson } from './views.js';

export function registerStatementRoutes(app: ApiApp, node: NodeApi, approvals: ApprovalStore): void {
  app.post('/statements', {
    config: { roles: SENDERS },
    schema: {
      tags: ['statements'],
      summary: 'Sign and send a statement of any type',
      description: 'The node fills in agreement, author, index and time, signs, appends to its log and delivers. Duty officers send at the technical tier; approvers at any tier and escalations. Above the lowest tier the draft is kept as a pending approval (202) until a second approver approves it.',
      body: DraftSchema,
      response: { 201: SentSchema, 202: AnyJson, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
    },
  }, async (request, reply) => {
    return replyOutcome(reply, await sendAs(node, principalOf(request), request.body as StatementDraft, approvals));
  });

  app.get('/statements/:author/:index', {
    config: { roles: READERS },
    schema: { tags: ['statements'], summary: "A statement of any log this node holds, with receipts and witnesses' cosignatures", params: StatementParams },
  }, async (request) => {
    const { author, index } = request.params;
    const v = await node.statement(author, index);
    if (!v) throw new NotFoundError('statement.unknown', `this node holds no statement ${author}/${index}`);
    return statementJson(v);
  });
}
