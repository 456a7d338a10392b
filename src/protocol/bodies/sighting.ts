/**
 * sighting — feedback on shared indicators, back to their author: an object was seen (in the addressee's networks),
 * or it is a false positive. It refers to the `indicators` statement that carried the object and is addressed to
 * that statement's author; the TAXII server shows it as a STIX `sighting` in the author's collection.
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { LongText, Language, Time, Tlp } from './common.js';
import type { StatementTypeSpec } from './spec.js';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
const STIX_ID = `^[a-z][a-z0-9-]+[a-z0-9]--${UUID}$`;

export const SIGHTING_KINDS = ['seen', 'false-positive'] as const;

/** sighting — { object, stix_id?, kind: "seen" | "false-positive", count?, first_seen?, last_seen?, tlp?, text?, language? } */
export const sighting: StatementTypeSpec = {
  id: 'sighting',
  summary: 'A shared STIX object was seen, or is a false positive: feedback to the party that shared it.',
  schema: Type.Object({
    object: Type.String({ pattern: STIX_ID, description: 'the STIX id of the object sighted (sighting_of_ref)' }),
    stix_id: Type.Optional(Type.String({ pattern: `^sighting--${UUID}$`, description: 'the id of the STIX sighting it was posted as' })),
    kind: Type.Union(SIGHTING_KINDS.map((k) => Type.Literal(k))),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 999999999 })),
    first_seen: Type.Optional(Time),
    last_seen: Type.Optional(Time),
    tlp: Type.Optional(Tlp),
    text: Type.Optional(LongText),
    language: Type.Optional(Language),
  }, { additionalProperties: false }),
  opensCase: false,
  case: 'optional',
  refs: { min: 1, max: 1 },
  to: 'referenced-author',
  codes: [],
  deadlines: [],
  check: (_s, body) => {
    if (typeof body.first_seen === 'string' && typeof body.last_seen === 'string' && body.last_seen < body.first_seen) {
      throw new ValidationError('body.window', 'body.last_seen', 'last_seen is before first_seen');
    }
  },
  example: {
    object: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    kind: 'seen',
    count: 3,
    first_seen: '2026-11-22T04:00:00.000Z',
    last_seen: '2026-11-22T05:30:00.000Z',
    text: 'Outbound connections from two ministries to this address.',
    language: 'en',
  },
};
