/**
 * A POSTed TAXII envelope, checked object by object: each object the STIX 2.1 schemas (or Parley's rules for a
 * statement) refuse becomes a failure with its reason; the others go on, so one bad object never costs the rest.
 */
import type { StixValidator } from '../stix/stix-validator.js';
import { PROVENANCE_PROPERTY } from './served-objects.js';
import { TaxiiError } from './taxii-errors.js';

/** The most objects one envelope (one statement) may carry: the `indicators` body's own bound. */
export const MAX_ENVELOPE_OBJECTS = 10_000;

export interface ObjectOutcome {
  id: string;
  version: string;
  message: string;
}

export interface CheckedEnvelope {
  valid: Array<Record<string, unknown>>;
  failures: ObjectOutcome[];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * An object as it will be signed: without the provenance property a client may have copied from a served object
 * (re-sharing what a peer shared); only the server says where an object comes from, from the statement itself.
 */
function withoutProvenance(o: Record<string, unknown>): Record<string, unknown> {
  if (!(PROVENANCE_PROPERTY in o)) return o;
  const { [PROVENANCE_PROPERTY]: _, ...rest } = o;
  return rest;
}

/** The id and version a status names an object by (what it has of them). */
export function outcomeOf(o: unknown, message: string): ObjectOutcome {
  const obj = isPlainObject(o) ? o : {};
  const id = typeof obj.id === 'string' ? obj.id.slice(0, 300) : '(no id)';
  const version = typeof obj.modified === 'string' ? obj.modified : typeof obj.created === 'string' ? obj.created : '';
  return { id, version: version.slice(0, 40), message };
}

/** The objects of an envelope body; anything that is not an envelope is refused whole (400), before any object. */
export function envelopeObjects(body: unknown): unknown[] {
  if (!isPlainObject(body)) throw new TaxiiError(400, 'taxii.envelope', 'the body must be a TAXII envelope: {"objects": [...]}');
  if (!Array.isArray(body.objects)) throw new TaxiiError(400, 'taxii.envelope', 'the envelope must carry "objects", an array of STIX objects', 'objects');
  if (body.objects.length === 0) throw new TaxiiError(400, 'taxii.envelope', 'the envelope carries no objects', 'objects');
  if (body.objects.length > MAX_ENVELOPE_OBJECTS) {
    throw new TaxiiError(413, 'taxii.too-many-objects', `an envelope carries at most ${MAX_ENVELOPE_OBJECTS} objects (this one ${body.objects.length}); post them in several envelopes`);
  }
  return body.objects;
}

export function checkEnvelope(objects: unknown[], validator: StixValidator, rule?: (o: Record<string, unknown>) => string | undefined): CheckedEnvelope {
  const valid: Array<Record<string, unknown>> = [];
  const failures: ObjectOutcome[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const verdict = validator.validate(o);
    if (!verdict.valid) { failures.push(outcomeOf(o, verdict.reason)); continue; }
    const obj = o as Record<string, unknown>;
    // A 2.1 server: the schemas also accept 2.0, which the statement (and TAXII 2.1 clients) would not.
    const refused = obj.spec_version !== undefined && obj.spec_version !== '2.1' ? `spec_version must be "2.1" (got ${JSON.stringify(obj.spec_version)})` : rule?.(obj);
    if (refused) { failures.push(outcomeOf(o, refused)); continue; }
    const key = `${String(obj.id)}\n${outcomeOf(o, '').version}`;
    if (seen.has(key)) { failures.push(outcomeOf(o, 'the same object version is twice in the envelope')); continue; }
    seen.add(key);
    valid.push(withoutProvenance(obj));
  }
  return { valid, failures };
}
