/**
 * Statements that carry a case forward: receipt, acknowledgement, response, escalation, closure.
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { Code, Hash, LongText, Person, TierSchema, Time, textFields } from './common.js';
import { checkTier } from './case-opening.js';
import { MANY, type StatementTypeSpec } from './spec.js';

/** Envelope rules of the statements that carry a case forward without answering one statement. */
const IN_CASE = { opensCase: false, case: 'required', refs: { min: 0, max: MANY }, to: 'others', codes: [], deadlines: [] } as const;

/** Free text explaining a step, in a language. */
const explanation = { text: Type.Optional(LongText), ...textFields };

/**
 * receipt — signed by the receiving node, automatically, when a statement addressed to its party arrives:
 *   { received: hash of that statement (= refs[0].hash), at: time it arrived }
 * Addressed to the author of the received statement only; carries the received statement's case (or none).
 * Nobody can later claim a statement never arrived: the receipt is in the receiver's own log.
 */
export const receipt: StatementTypeSpec = {
  id: 'receipt',
  summary: 'Proof of delivery, signed automatically by the receiving node.',
  schema: Type.Object({ received: Hash, at: Time }, { additionalProperties: false }),
  opensCase: false,
  case: 'optional',
  refs: { min: 1, max: 1 },
  to: 'referenced-author',
  codes: [],
  deadlines: [],
  check: (s, body) => {
    if (body.received !== s.refs[0]?.hash) {
      throw new ValidationError('receipt.received', 'body.received', 'must be the hash of the statement the receipt refers to (refs[0].hash)');
    }
    if (Date.parse(body.at as string) > Date.parse(s.time)) {
      throw new ValidationError('receipt.at', 'body.at', `a statement cannot be received (${String(body.at)}) after its receipt is signed (${s.time})`);
    }
  },
  example: { received: '3f0c9a1be5d24e7f8a6b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f607', at: '2026-11-22T03:00:01.250Z' },
};

/**
 * acknowledgement — a person at the receiving party has read the statement (refs[0]) and taken it up:
 *   { by: { name, role? }, note?, language? }
 * Meets that party's acknowledgement deadline for the referenced statement.
 */
export const acknowledgement: StatementTypeSpec = {
  id: 'acknowledgement',
  summary: 'A person at the receiving party confirms the statement was read and is being handled.',
  schema: Type.Object({ by: Person, note: Type.Optional(LongText), ...textFields }, { additionalProperties: false }),
  opensCase: false,
  case: 'required',
  refs: { min: 1, max: 1 },
  to: 'includes-referenced-author',
  codes: [],
  deadlines: [],
  example: { by: { name: 'Duty officer Nguyen Van An', role: 'VNCERT duty officer' }, note: 'Received, investigating.', language: 'en' },
};

/**
 * response — the answer to a request or consultation request (refs[0]):
 *   { outcome, text?, by?: { name, role? }, language?, tlp? }
 * Meets that party's response deadline (and its acknowledgement deadline, if not yet met).
 */
export const response: StatementTypeSpec = {
  id: 'response',
  summary: 'The answer to a request: what was done or found, as an outcome code, with text.',
  schema: Type.Object({ outcome: Code, text: Type.Optional(LongText), by: Type.Optional(Person), ...textFields }, { additionalProperties: false }),
  opensCase: false,
  case: 'required',
  refs: { min: 1, max: 1 },
  to: 'includes-referenced-author',
  codes: [{ field: 'outcome', list: 'outcome' }],
  deadlines: [],
  example: { outcome: 'action-taken', text: 'The server at 192.0.2.17 was disconnected at 04:10 UTC; disk images preserved.', language: 'en' },
};

/** Why a case goes up the ladder. */
export const ESCALATION_REASONS = ['overdue', 'severity-increased', 'response-unsatisfactory', 'political-significance', 'other'] as const;

/**
 * escalation — the case moves to a higher tier of the ladder (technical → diplomatic → political):
 *   { tier, reason, text?, language? }
 * refs may name what prompted it (e.g. the overdue request).
 */
export const escalation: StatementTypeSpec = {
  id: 'escalation',
  summary: 'The case is taken to the next tier of the escalation ladder, with the reason.',
  schema: Type.Object({
    tier: TierSchema,
    reason: Type.Union(ESCALATION_REASONS.map((r) => Type.Literal(r))),
    ...explanation,
  }, { additionalProperties: false }),
  ...IN_CASE,
  check: (_s, body, ctx) => {
    checkTier(body.tier, 'body.tier', ctx);
    if (body.tier === ctx.agreement.escalation.ladder[0]) {
      throw new ValidationError('body.tier', 'body.tier', `cannot escalate to "${String(body.tier)}", the lowest tier of the ladder`);
    }
  },
  example: { tier: 'diplomatic', reason: 'overdue', text: 'No acknowledgement 6 hours after a critical notification.', language: 'en' },
};

/** Why a case is closed. */
export const CLOSURE_REASONS = ['resolved', 'no-further-action', 'withdrawn', 'duplicate'] as const;

/**
 * closure — the party that opened the case closes it:
 *   { reason, text?, language? }
 * Deadlines not yet due are cancelled.
 */
export const closure: StatementTypeSpec = {
  id: 'closure',
  summary: 'The opener closes the case, with the reason.',
  schema: Type.Object({
    reason: Type.Union(CLOSURE_REASONS.map((r) => Type.Literal(r))),
    ...explanation,
  }, { additionalProperties: false }),
  ...IN_CASE,
  example: { reason: 'resolved', text: 'Attack traffic stopped at 04:10 UTC. Thank you for the quick action.', language: 'en' },
};

export const CASE_PROGRESS_TYPES: readonly StatementTypeSpec[] = [receipt, acknowledgement, response, escalation, closure];
