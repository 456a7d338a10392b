/**
 * The structure of an agreement document, as a TypeBox schema: which fields exist, their types, which may be
 * omitted (those with a default). Unknown fields are refused: a misspelt optional field ("priorNoticeLeadtime")
 * would otherwise be signed and silently replaced by its default.
 *
 * What the schema cannot say — ids unique, contacts naming known parties, durations well-formed — is checked
 * by hand in agreement-validation.ts, so each such problem gets its own rule id.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { AgreementProblem } from './agreement-problems.js';

const Text = Type.String({ minLength: 1 });
const Localized = Type.Record(Type.String(), Text);
const Languages = Type.Array(Text, { minItems: 1 });
const Duration = Text;

function closed<T extends Parameters<typeof Type.Object>[0]>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

function oneOf<const T extends string[]>(...values: T) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

const PartySchema = closed({
  id: Text,
  names: Localized,
  languages: Languages,
  node: Text,
  signingKey: Text,
  tlsFingerprint: Text,
  encryptionKey: Text,
});

const ContactSchema = closed({
  party: Text,
  // Tiers are checked by hand (rule "agreement.tier"), so that the message can list them.
  tier: Text,
  agency: Text,
  role: Text,
  name: Text,
  email: Type.Optional(Text),
  phone: Type.Optional(Text),
  languages: Languages,
  hours: Text,
});

const PerSeverity = Type.Record(Type.String(), Duration);

const ExtensionSchema = closed({ code: Type.String(), labels: Type.Record(Type.String(), Type.String()) });

/** The document as an author writes it: fields with a default may be left out. */
export const AGREEMENT_INPUT_SCHEMA = closed({
  format: Type.String(),
  id: Text,
  version: Type.Integer(),
  previous: Type.Union([Type.Null(), Type.String()]),
  title: Localized,
  languages: Languages,
  parties: Type.Array(PartySchema),
  contacts: Type.Array(ContactSchema),
  escalation: closed({ ladder: Type.Array(Text, { minItems: 1 }), onOverdue: oneOf('escalate', 'remind') }),
  deadlines: closed({
    acknowledgement: PerSeverity,
    response: PerSeverity,
    priorNoticeLeadTime: Type.Optional(Duration),
  }),
  communicationChecks: closed({ every: Duration, answerWithin: Duration, answeredBy: oneOf('node', 'person') }),
  review: closed({ cycle: Type.Optional(Duration), month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })) }),
  term: closed({ start: Text, duration: Duration, renewal: oneOf('automatic', 'none'), noticeToTerminate: Duration }),
  commitments: Type.Array(closed({ id: Text, text: Localized, reaffirm: oneOf('each-review', 'once') })),
  codebook: closed({
    version: Text,
    extensions: Type.Optional(Type.Record(Type.String(), Type.Array(ExtensionSchema))),
  }),
});

/** "/parties/1/signingKey" → "parties[1].signingKey" (RFC 6901 pointer to the path style of the problems). */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

function allowedValues(schema: TSchema): string {
  const options = (schema.anyOf as TSchema[] | undefined) ?? [];
  return options.map((o) => JSON.stringify(o.const)).join(', ');
}

const TYPE_NAMES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Integer]: 'a whole number',
  [ValueErrorType.Number]: 'a number',
  [ValueErrorType.Boolean]: 'true or false',
  [ValueErrorType.Object]: 'an object',
  [ValueErrorType.Array]: 'a list',
  [ValueErrorType.Null]: 'null',
};

/** One TypeBox error as a problem with a rule id and a message an operator can act on. */
function toProblem(e: ValueError): AgreementProblem {
  const path = pointerToPath(e.path);
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return { path, rule: 'agreement.required', message: 'is required' };
    case ValueErrorType.ObjectAdditionalProperties:
      return { path, rule: 'agreement.unknown-field', message: 'is not a field of the agreement (misspelt?)' };
    case ValueErrorType.Union:
      return path === 'previous'
        ? { path, rule: 'agreement.type', message: 'must be null or a hash' }
        : { path, rule: 'agreement.enum', message: `${JSON.stringify(e.value)} is not one of ${allowedValues(e.schema)}` };
    case ValueErrorType.StringMinLength:
    case ValueErrorType.ArrayMinItems:
      return { path, rule: 'agreement.empty', message: 'must not be empty' };
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return { path, rule: 'agreement.range', message: `${JSON.stringify(e.value)} is out of range (${e.message.replace(/^Expected /, '')})` };
    case ValueErrorType.String:
      // YAML reads an unquoted phone number such as +442079460018 as a number, and true/false as booleans.
      return typeof e.value === 'number' || typeof e.value === 'boolean'
        ? { path, rule: 'agreement.type', message: `must be a string (the document has ${String(e.value)}; in YAML, put the value in quotes)` }
        : { path, rule: 'agreement.type', message: 'must be a string' };
    default: {
      const expected = TYPE_NAMES[e.type];
      return { path, rule: 'agreement.type', message: expected ? `must be ${expected}` : e.message };
    }
  }
}

/**
 * The structural problems of a document, at most one per field: TypeBox reports a missing field both as missing
 * and as not a string, and the first says it all.
 */
export function structuralProblems(doc: unknown): AgreementProblem[] {
  const byPath = new Map<string, AgreementProblem>();
  for (const e of Value.Errors(AGREEMENT_INPUT_SCHEMA, doc)) {
    const p = toProblem(e);
    if (!byPath.has(p.path)) byPath.set(p.path, p);
  }
  return [...byPath.values()];
}
