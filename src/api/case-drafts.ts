/**
 * The case actions a person takes, turned into drafts: they type the few fields that are theirs (who acknowledges,
 * the outcome, the reason) and the draft gets the case, the addressees and the statement it answers from the case's
 * state — by default the oldest deadline this party still owes.
 */
import type { Static } from '@sinclair/typebox';
import type { CaseDeadline, CaseState } from '../protocol/case-state.js';
import type { DeadlineKind } from '../protocol/bodies/spec.js';
import type { StatementRef } from '../protocol/statement.js';
import type { NodeApi, StatementDraft } from '../node/node-api.js';
import { ApiError, NotFoundError } from './api-errors.js';
import type { AcknowledgeSchema, CloseSchema, EscalateSchema, RequestInformationSchema, RespondSchema } from './schemas.js';

export async function caseOrNotFound(node: NodeApi, id: string): Promise<CaseState> {
  const c = await node.caseById(id);
  if (!c) throw new NotFoundError('case.unknown', `no case "${id}" is known to this node`);
  return c;
}

/** The other parties of the case; if it has none yet, every other party of the agreement. */
function othersIn(node: NodeApi, c: CaseState): string[] {
  const others = c.participants.filter((p) => p !== node.party);
  return (others.length > 0 ? others : node.agreement.parties.map((p) => p.id).filter((p) => p !== node.party)).sort();
}

function owedBy(node: NodeApi, c: CaseState, kind: DeadlineKind): CaseDeadline | undefined {
  return c.deadlines
    .filter((d) => d.kind === kind && d.party === node.party && d.met === undefined && !d.cancelled)
    .sort((a, b) => a.due.localeCompare(b.due))[0];
}

async function refOfHash(node: NodeApi, hash: string): Promise<StatementRef | undefined> {
  const v = await node.statementByHash(hash);
  return v ? { party: v.stored.author, index: v.stored.index, hash } : undefined;
}

/** The statement an answer refers to: the one named, or the oldest this party owes `kind` for, or the opening. */
async function answeredRef(node: NodeApi, c: CaseState, kind: DeadlineKind, named: StatementRef | undefined, openingFallback: boolean): Promise<StatementRef> {
  if (named) return named;
  const owed = owedBy(node, c, kind);
  const ref = owed ? await refOfHash(node, owed.statement) : undefined;
  if (ref) return ref;
  if (openingFallback && c.openedBy.party !== node.party) return c.openedBy;
  throw new ApiError(422, `case.nothing-to-${kind === 'acknowledgement' ? 'acknowledge' : 'answer'}`,
    `${node.party} owes no ${kind} in case ${c.id}; name the statement with "ref"`, 'ref');
}

function addressed(ref: StatementRef, others: string[]): string[] {
  return [...new Set([ref.party, ...others])].sort();
}

/** Drops the fields left out, so that the body holds only what the person said. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export async function acknowledgeDraft(node: NodeApi, c: CaseState, input: Static<typeof AcknowledgeSchema>): Promise<StatementDraft> {
  const ref = await answeredRef(node, c, 'acknowledgement', input.ref, true);
  return { type: 'acknowledgement', case: c.id, refs: [ref], to: addressed(ref, othersIn(node, c)), body: defined({ by: input.by, note: input.note, language: input.language }) };
}

export async function respondDraft(node: NodeApi, c: CaseState, input: Static<typeof RespondSchema>): Promise<StatementDraft> {
  const ref = await answeredRef(node, c, 'response', input.ref, false);
  const { ref: _named, ...body } = input;
  return { type: 'response', case: c.id, refs: [ref], to: addressed(ref, othersIn(node, c)), body: defined(body) };
}

export function requestInformationDraft(node: NodeApi, c: CaseState, input: Static<typeof RequestInformationSchema>): StatementDraft {
  const { to, ...body } = input;
  return { type: 'request-for-information', case: c.id, refs: [c.openedBy], to: to ?? othersIn(node, c), body: defined(body) };
}

export function escalateDraft(node: NodeApi, c: CaseState, input: Static<typeof EscalateSchema>): StatementDraft {
  const ladder = node.agreement.escalation.ladder;
  const tier = input.tier ?? ladder[ladder.indexOf(c.tier) + 1];
  if (!tier) throw new ApiError(422, 'case.top-tier', `case ${c.id} is already at the top tier (${c.tier})`, 'tier');
  return { type: 'escalation', case: c.id, refs: [], to: othersIn(node, c), body: defined({ ...input, tier }) };
}

export function closeDraft(node: NodeApi, c: CaseState, input: Static<typeof CloseSchema>): StatementDraft {
  if (c.opener !== node.party) throw new ApiError(422, 'closure.opener', `only ${c.opener}, which opened case ${c.id}, can close it`);
  return { type: 'closure', case: c.id, refs: [], to: othersIn(node, c), body: defined({ ...input }) };
}
