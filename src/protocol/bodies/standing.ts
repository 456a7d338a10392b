/**
 * Statements about the channel and the agreement rather than about a case: commitment affirmation, contacts
 * update, key rotation, review report. They concern every party, so they are addressed to all the others.
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { FormatError } from '../errors.js';
import { ED25519_TYPE, parseVerifierKey } from '../note-key.js';
import { ShortText, LongText, Language, TierSchema, Time, textFields } from './common.js';
import { MANY, type StatementTypeSpec } from './spec.js';

/** Envelope rules of statements about the channel: no case, addressed to every other party. */
const STANDING = { opensCase: false, case: 'none', to: 'all-others', codes: [], deadlines: [] } as const;

/**
 * commitment-affirmation — the author affirms commitments of the agreement (e.g. non-interference in elections):
 *   { commitments: [commitment ids], text?, language? }
 */
export const commitmentAffirmation: StatementTypeSpec = {
  id: 'commitment-affirmation',
  summary: 'The author affirms (or re-affirms, at a review) commitments named in the agreement.',
  schema: Type.Object({
    commitments: Type.Array(ShortText, { minItems: 1, maxItems: 100, uniqueItems: true }),
    text: Type.Optional(LongText),
    language: Type.Optional(Language),
  }, { additionalProperties: false }),
  ...STANDING,
  refs: { min: 0, max: MANY },
  check: (_s, body, ctx) => {
    const known = new Set(ctx.agreement.commitments.map((c) => c.id));
    (body.commitments as string[]).forEach((id, i) => {
      if (!known.has(id)) throw new ValidationError('body.unknown-commitment', `body.commitments[${i}]`, `the agreement has no commitment "${id}"`);
    });
  },
  example: { commitments: ['election-non-interference', 'no-first-use'], language: 'en' },
};

const ContactSchema = Type.Object({
  party: ShortText,
  tier: TierSchema,
  agency: ShortText,
  role: ShortText,
  name: ShortText,
  email: Type.Optional(ShortText),
  phone: Type.Optional(ShortText),
  languages: Type.Array(Language, { minItems: 1, maxItems: 20 }),
  hours: ShortText,
}, { additionalProperties: false });

/**
 * contacts-update — the author's points of contact from now on (all of them: the list replaces the previous one):
 *   { contacts: [{ party (the author), tier, agency, role, name, email?, phone?, languages, hours }] }
 */
export const contactsUpdate: StatementTypeSpec = {
  id: 'contacts-update',
  summary: 'The author’s current points of contact per tier, replacing those in the agreement or an earlier update.',
  schema: Type.Object({ contacts: Type.Array(ContactSchema, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false }),
  ...STANDING,
  refs: { min: 0, max: 0 },
  check: (s, body) => {
    (body.contacts as Array<{ party: string }>).forEach((c, i) => {
      if (c.party !== s.author) throw new ValidationError('contacts-update.party', `body.contacts[${i}].party`, `a party announces only its own contacts ("${s.author}"), not "${c.party}"'s`);
    });
  },
  example: {
    contacts: [{
      party: 'avalon', tier: 'technical', agency: 'Avalon National CERT', role: 'duty desk', name: 'CERT duty officer',
      email: 'duty@cert.avalon.example', phone: '+1 555 0100', languages: ['en'], hours: '24/7',
    }],
  },
};

export const KEY_ROTATION_REASONS = ['scheduled', 'compromise', 'other'] as const;

/**
 * key-rotation — the author's node signs with a new key after this statement:
 *   { newKey: C2SP verifier key "<agreement>/<party>+<id>+<base64>", reason, text? }
 * Signed with the old key; the node and the verifiers switch to the new key for the statements after it.
 */
export const keyRotation: StatementTypeSpec = {
  id: 'key-rotation',
  summary: 'The author announces its new signing key; later statements are signed with it.',
  schema: Type.Object({
    newKey: Type.String({ minLength: 1, maxLength: 400 }),
    reason: Type.Union(KEY_ROTATION_REASONS.map((r) => Type.Literal(r))),
    text: Type.Optional(LongText),
    language: Type.Optional(Language),
  }, { additionalProperties: false }),
  ...STANDING,
  refs: { min: 0, max: 0 },
  check: (s, body, ctx) => {
    let key;
    try {
      key = parseVerifierKey(body.newKey as string);
    } catch (e) {
      if (e instanceof FormatError) throw new ValidationError('key-rotation.key', 'body.newKey', e.message);
      throw e;
    }
    const name = `${ctx.agreement.id}/${s.author}`;
    if (key.name !== name || key.type !== ED25519_TYPE) {
      throw new ValidationError('key-rotation.key', 'body.newKey', `the new key must be an Ed25519 (0x01) key named "${name}"`);
    }
    const current = ctx.agreement.parties.find((p) => p.id === s.author)?.signingKey;
    if (current === body.newKey) throw new ValidationError('key-rotation.key', 'body.newKey', 'the new key is the key of the agreement');
  },
  example: {
    newKey: 'avalon-borealis/avalon+1a324f9d+AdYvAWoe/R5P33k+tCzYRHHhup8M8E0Sh7XMcfYWKHy4',
    reason: 'scheduled',
  },
};

/**
 * review-report — the author's figures for the review period (see compliance.ts), for the annual review meeting:
 *   { period: { from, to }, figures: the compliance report as the author computed it, summary?, language? }
 * The figures are computed from the logs only, so every party can recompute them and compare.
 */
export const reviewReport: StatementTypeSpec = {
  id: 'review-report',
  summary: 'The figures of the review period (deadlines met, checks answered, notices given), for the review meeting.',
  schema: Type.Object({
    period: Type.Object({ from: Time, to: Time }, { additionalProperties: false }),
    figures: Type.Object({}, { additionalProperties: true }),
    summary: Type.Optional(LongText),
    ...textFields,
  }, { additionalProperties: false }),
  ...STANDING,
  refs: { min: 0, max: MANY },
  check: (_s, body) => {
    const period = body.period as { from: string; to: string };
    if (!(Date.parse(period.from) < Date.parse(period.to))) {
      throw new ValidationError('body.window', 'body.period', 'the period must end after it starts');
    }
  },
  example: {
    period: { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
    figures: { parties: {} },
    summary: 'All communication checks answered; two acknowledgements late.',
    language: 'en',
  },
};

export const STANDING_TYPES: readonly StatementTypeSpec[] = [commitmentAffirmation, contactsUpdate, keyRotation, reviewReport];
