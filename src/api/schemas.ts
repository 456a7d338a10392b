/**
 * The API's request shapes, as TypeBox schemas: validated on every request and published in the OpenAPI document.
 * Statement bodies are checked by the protocol's own per-type schemas when the node validates the draft (422), so
 * the draft schema here only fixes the envelope a person fills in.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CASE_ID_PATTERN, HASH_PATTERN, ID_PATTERN } from '../protocol/statement.js';
import { CASE_STATUSES } from '../protocol/case-state.js';
import { TIERS } from '../protocol/agreement.js';
import { CLOSURE_REASONS, ESCALATION_REASONS } from '../protocol/bodies/case-progress.js';
import { Code, Language, LongText, Person, Tlp } from '../protocol/bodies/common.js';
import { ROLES } from '../storage/store.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const PartyId = Type.String({ pattern: ID_PATTERN.source, description: 'a party id, e.g. "avalon"' });
export const CaseId = Type.String({ pattern: CASE_ID_PATTERN.source, description: 'a case id, prefixed by its opener: "avalon:2026-001"' });
export const StatementHash = Type.String({ pattern: HASH_PATTERN.source, description: 'a statement hash: 64 lowercase hex digits' });
export const TierParam = literals(TIERS);

export const RefSchema = Type.Object({
  party: PartyId,
  index: Type.Integer({ minimum: 0 }),
  hash: StatementHash,
}, { additionalProperties: false });

export const DraftSchema = Type.Object({
  type: Type.String({ pattern: ID_PATTERN.source, description: 'a statement type, e.g. "notification" (see docs/statements.md)' }),
  to: Type.Optional(Type.Array(PartyId, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'addressees; by default the type decides' })),
  case: Type.Optional(Type.Union([CaseId, Type.Null()])),
  refs: Type.Optional(Type.Array(RefSchema, { maxItems: 1000 })),
  body: Type.Record(Type.String(), Type.Unknown(), { description: 'the body of the type (docs/statements.md)' }),
}, { additionalProperties: false });
export type DraftInput = Static<typeof DraftSchema>;

/** An explicit statement to answer, when the default (the oldest unmet deadline of this party) is not the one. */
const answering = { ref: Type.Optional(RefSchema) };

export const AcknowledgeSchema = Type.Object({
  by: Person,
  note: Type.Optional(LongText),
  language: Type.Optional(Language),
  ...answering,
}, { additionalProperties: false });

export const RequestInformationSchema = Type.Object({
  questions: Type.Array(LongText, { minItems: 1, maxItems: 50 }),
  severity: Code,
  to: Type.Optional(Type.Array(PartyId, { minItems: 1, uniqueItems: true })),
  language: Type.Optional(Language),
  tlp: Type.Optional(Tlp),
}, { additionalProperties: false });

export const RespondSchema = Type.Object({
  outcome: Code,
  text: Type.Optional(LongText),
  by: Type.Optional(Person),
  language: Type.Optional(Language),
  tlp: Type.Optional(Tlp),
  ...answering,
}, { additionalProperties: false });

export const EscalateSchema = Type.Object({
  tier: Type.Optional(TierParam),
  reason: literals(ESCALATION_REASONS),
  text: Type.Optional(LongText),
  language: Type.Optional(Language),
}, { additionalProperties: false });

export const CloseSchema = Type.Object({
  reason: literals(CLOSURE_REASONS),
  text: Type.Optional(LongText),
  language: Type.Optional(Language),
}, { additionalProperties: false });

export const CaseParams = Type.Object({ id: CaseId });
export const StatementParams = Type.Object({ author: PartyId, index: Type.Integer({ minimum: 0 }) });

export const CaseFilters = Type.Object({
  status: Type.Optional(literals(CASE_STATUSES)),
  party: Type.Optional(PartyId),
  tier: Type.Optional(TierParam),
  category: Type.Optional(Code),
}, { additionalProperties: false });

export const CodebookQuery = Type.Object({
  lang: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'label language, default en' })),
}, { additionalProperties: false });

export const TokenRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'who or what uses the token' }),
  role: literals(ROLES),
}, { additionalProperties: false });

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String(), path: Type.Optional(Type.String()) });

/** What a send answers (201): where the statement is in the own log, and the signed statement. */
export const SentSchema = Type.Object({
  author: PartyId,
  index: Type.Integer(),
  hash: StatementHash,
  statement: Type.Unknown({ description: 'the statement exactly as signed (docs/protocol.md): a sealed one carries `sealed` and no body' }),
  body: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'the body as this node reads it (opened if sealed to this party), null if sealed to others' }),
  sealedTo: Type.Union([Type.Array(PartyId), Type.Null()], { description: 'the parties the body is sealed to, null if in clear' }),
});

/** Any JSON: answers documented in docs/api.md rather than in the schema. */
export const AnyJson = Type.Unknown();
