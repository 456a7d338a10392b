/**
 * The communication check ("ping") and its reply: the channel is tested on a schedule and ad hoc, and every
 * party's answer time is recorded (OSCE CBM practice; the UN POC directory's "ping" tests).
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { Person } from './common.js';
import type { StatementTypeSpec } from './spec.js';

/** The check's nonce, chosen by the sender (the protocol is pure: the node draws it), echoed by the reply. */
const Nonce = Type.String({ pattern: '^[0-9a-f]{32}$', description: '16 random bytes in lowercase hex' });

/**
 * communication-check — "are you there?":
 *   { nonce, scheduled }   (scheduled: part of the agreement's regular checks, or false for an ad hoc one)
 * Each addressee should reply within the agreement's communicationChecks.answerWithin.
 */
export const communicationCheck: StatementTypeSpec = {
  id: 'communication-check',
  summary: 'A test of the channel; every addressee is expected to reply within the agreed time.',
  schema: Type.Object({ nonce: Nonce, scheduled: Type.Boolean() }, { additionalProperties: false }),
  opensCase: false,
  case: 'none',
  refs: { min: 0, max: 0 },
  to: 'others',
  codes: [],
  deadlines: [],
  example: { nonce: '9b1f0c3e5a7d4e2f8c6b0a1d3e5f7a9c', scheduled: true },
};

/**
 * communication-check-reply — "here", to the check in refs[0]:
 *   { nonce (the check's), answeredBy: "node" | "person", person?: { name, role? } }
 * When the agreement says checks are answered by a person, a node's automatic reply does not count.
 */
export const communicationCheckReply: StatementTypeSpec = {
  id: 'communication-check-reply',
  summary: 'The reply to a communication check, echoing its nonce.',
  schema: Type.Object({
    nonce: Nonce,
    answeredBy: Type.Union([Type.Literal('node'), Type.Literal('person')]),
    person: Type.Optional(Person),
  }, { additionalProperties: false }),
  opensCase: false,
  case: 'none',
  refs: { min: 1, max: 1 },
  to: 'referenced-author',
  codes: [],
  deadlines: [],
  check: (_s, body, ctx) => {
    if ((body.answeredBy === 'person') !== (body.person !== undefined)) {
      throw new ValidationError('body.schema', 'body.person', 'a reply names the person exactly when answeredBy is "person"');
    }
    if (ctx.agreement.communicationChecks.answeredBy === 'person' && body.answeredBy !== 'person') {
      throw new ValidationError('communication-check.answered-by', 'body.answeredBy', 'this agreement requires communication checks to be answered by a person');
    }
  },
  example: { nonce: '9b1f0c3e5a7d4e2f8c6b0a1d3e5f7a9c', answeredBy: 'person', person: { name: 'Irina Sokolova', role: 'NRRC duty officer' } },
};

export const CHANNEL_TYPES: readonly StatementTypeSpec[] = [communicationCheck, communicationCheckReply];
