/**
 * indicators — technical indicators exchanged between the CERTs, as STIX 2.1 objects and/or references to them
 * (the 2013 CERT-to-CERT link; a TAXII transport is a later issue). TLP says who else may see them.
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { LongText, Tlp, Language } from './common.js';
import { MANY, type StatementTypeSpec } from './spec.js';

// As the STIX 2.1 JSON schemas write them (common/identifier.json): a version 1–5 UUID, either case.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
const STIX_TYPE = '^[a-z][a-z0-9-]+[a-z0-9]$';
const STIX_ID = `^[a-z][a-z0-9-]+[a-z0-9]--${UUID}$`;

/** The envelope of any STIX object (its other properties are the STIX schemas' business, not the statement's). */
const StixObject = Type.Object({
  type: Type.String({ pattern: STIX_TYPE }),
  id: Type.String({ pattern: STIX_ID }),
  spec_version: Type.Optional(Type.Literal('2.1')),
}, { additionalProperties: true });

/** A STIX object held elsewhere (e.g. on a TAXII server), by id and optionally where to fetch it. */
const StixReference = Type.Object({
  id: Type.String({ pattern: STIX_ID }),
  url: Type.Optional(Type.String({ pattern: '^https://', maxLength: 2000 })),
}, { additionalProperties: false });

/**
 * indicators — { tlp, objects?: [STIX 2.1 objects], references?: [{ id, url? }], text?, language? }
 * At least one object or reference; each object's id starts with its type; bundles are unpacked into objects.
 */
export const indicators: StatementTypeSpec = {
  id: 'indicators',
  summary: 'STIX 2.1 objects (or references to them) shared between CERTs, with a TLP marking.',
  schema: Type.Object({
    tlp: Tlp,
    objects: Type.Optional(Type.Array(StixObject, { maxItems: 10000 })),
    references: Type.Optional(Type.Array(StixReference, { maxItems: 10000 })),
    text: Type.Optional(LongText),
    language: Type.Optional(Language),
  }, { additionalProperties: false }),
  opensCase: false,
  case: 'optional',
  refs: { min: 0, max: MANY },
  to: 'others',
  codes: [],
  deadlines: [],
  check: (_s, body) => {
    const objects = (body.objects ?? []) as Array<{ type: string; id: string }>;
    const references = (body.references ?? []) as unknown[];
    if (objects.length + references.length === 0) throw new ValidationError('body.schema', 'body.objects', 'carry at least one STIX object or reference');
    objects.forEach((o, i) => {
      if (o.type === 'bundle') throw new ValidationError('body.schema', `body.objects[${i}].type`, 'put the objects of a bundle, not the bundle');
      if (!o.id.startsWith(`${o.type}--`)) throw new ValidationError('body.schema', `body.objects[${i}].id`, `the id of a "${o.type}" must start with "${o.type}--"`);
    });
  },
  example: {
    tlp: 'AMBER',
    objects: [{
      type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2026-11-22T03:10:00.000Z', modified: '2026-11-22T03:10:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.17']", pattern_type: 'stix', valid_from: '2026-11-22T03:10:00Z',
    }],
    text: 'Command server of the ransomware reported in avalon:2026-0001.',
    language: 'en',
  },
};
