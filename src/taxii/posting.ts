/**
 * POST of an envelope to a collection. To this party's own collection: the valid objects become ONE signed
 * `indicators` statement, addressed as their TLP says (tlp-addressing.ts), replicated to the addressees by the
 * node's delivery. To another party's collection: each valid STIX `sighting` of one of that party's objects becomes
 * a `sighting` statement back to it. Either way the answer is a status naming every object's fate.
 */
import type { NodeApi } from '../node/node-api.js';
import { DraftRejectedError } from '../node/node-api.js';
import type { Principal } from '../api/auth.js';
import { checkMayStay } from '../api/sending.js';
import type { StatementDraft } from '../node/node-api.js';
import type { HashedStatement } from '../protocol/statement.js';
import type { StixValidator } from '../stix/stix-validator.js';
import { tlpOfObject, tlpOfObjects } from '../stix/tlp.js';
import { SIGHTING_KINDS } from '../protocol/bodies/sighting.js';
import type { TaxiiCollection } from './collections.js';
import { checkEnvelope, envelopeObjects, outcomeOf, type ObjectOutcome } from './envelope.js';
import type { TaxiiProjection } from './projection.js';
import { SIGHTING_KIND_PROPERTY } from './served-objects.js';
import { recordStatus, type TaxiiStatus } from './status.js';
import { TaxiiError } from './taxii-errors.js';
import { addresseesFor } from './tlp-addressing.js';

export interface PostRequest {
  node: NodeApi;
  projection: TaxiiProjection;
  validator: StixValidator;
  principal: Principal;
  collection: TaxiiCollection;
  /** `to`: comma-separated party ids (AMBER: narrows; RED: required). `case`: a case the objects are cited in. */
  query: { to?: string; case?: string };
  body: unknown;
}

/**
 * Signs and sends a draft now, if the caller's role may say it. A draft above the lowest tier (objects cited in an
 * escalated case) waits for a second approver under the two-person rule; TAXII has no way to say that, so it is
 * refused here with what to do instead.
 */
async function sendNow(node: NodeApi, principal: Principal, draft: StatementDraft): Promise<HashedStatement> {
  const tier = await checkMayStay(node, principal, draft);
  if (tier !== (node.agreement.escalation.ladder[0] ?? 'technical')) {
    throw new TaxiiError(422, 'taxii.approval-needed', `the case is at the ${tier} tier, where a statement needs a second approver: send it through the API or the console (POST /api/v1/statements)`);
  }
  // The statement as the node holds it, body readable (the signed form of a sealed one carries none).
  return node.send(draft);
}

async function citedCase(node: NodeApi, id: string | undefined): Promise<string | null> {
  if (id === undefined) return null;
  if (!(await node.caseById(id))) throw new TaxiiError(422, 'taxii.case', `no case ${JSON.stringify(id.slice(0, 80))} on this node`);
  return id;
}

async function postIndicators(r: PostRequest, objects: unknown[], requestTime: string): Promise<TaxiiStatus> {
  const { valid, failures } = checkEnvelope(objects, r.validator);
  if (valid.length === 0) return recordStatus(r.projection.store, requestTime, [], failures);
  const tlp = tlpOfObjects(valid);
  const to = addresseesFor(r.node, tlp, r.query.to);
  const sent = await sendNow(r.node, r.principal, { type: 'indicators', to, case: await citedCase(r.node, r.query.case), body: { tlp, objects: valid } });
  await r.projection.ingest(sent);
  const where = `signed as statement ${sent.statement.author}/${sent.statement.index} (TLP:${tlp}, to ${to.join(', ')})`;
  return recordStatus(r.projection.store, requestTime, valid.map((o) => outcomeOf(o, where)), failures);
}

/** A STIX timestamp as Parley writes times (millisecond precision), or undefined. */
function parleyTime(x: unknown): string | undefined {
  if (typeof x !== 'string') return undefined;
  const ms = Date.parse(x);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

async function postSightings(r: PostRequest, objects: unknown[], requestTime: string): Promise<TaxiiStatus> {
  const owner = r.collection.party;
  const { valid, failures } = checkEnvelope(objects, r.validator, (o) =>
    o.type !== 'sighting' ? `${owner}'s collection takes only sightings of its objects; share your own objects in your collection`
      : o[SIGHTING_KIND_PROPERTY] !== undefined && !(SIGHTING_KINDS as readonly unknown[]).includes(o[SIGHTING_KIND_PROPERTY]) ? `${SIGHTING_KIND_PROPERTY} must be one of ${SIGHTING_KINDS.join(', ')}`
        : undefined);
  const successes: ObjectOutcome[] = [];
  const caseId = await citedCase(r.node, r.query.case);
  for (const o of valid) {
    const ref = String(o.sighting_of_ref);
    const page = await r.projection.store.page({ collection: owner, ids: [ref], versions: { first: false, last: true, all: false, keys: [] }, limit: 1 });
    const target = page.rows[0];
    if (!target || target.provenance.author !== owner) { failures.push(outcomeOf(o, `${ref} is not an object ${owner} shared with this party`)); continue; }
    const p = target.provenance;
    const tlp = tlpOfObject(o);
    const body = {
      object: ref, stix_id: o.id, kind: (o[SIGHTING_KIND_PROPERTY] as string | undefined) ?? 'seen',
      ...(typeof o.count === 'number' ? { count: o.count } : {}),
      ...(parleyTime(o.first_seen) ? { first_seen: parleyTime(o.first_seen) } : {}),
      ...(parleyTime(o.last_seen) ? { last_seen: parleyTime(o.last_seen) } : {}),
      ...(typeof o.description === 'string' && o.description !== '' ? { text: o.description.slice(0, 20000) } : {}),
      ...(tlp ? { tlp } : {}),
    };
    try {
      const sent = await sendNow(r.node, r.principal, { type: 'sighting', to: [p.author], case: caseId, refs: [{ party: p.author, index: p.index, hash: p.hash }], body });
      await r.projection.ingest(sent);
      successes.push(outcomeOf(o, `sent to ${p.author} as statement ${sent.statement.author}/${sent.statement.index}`));
    } catch (e) {
      if (!(e instanceof DraftRejectedError)) throw e;
      failures.push(outcomeOf(o, `${e.path}: ${e.message}`));
    }
  }
  return recordStatus(r.projection.store, requestTime, successes, failures);
}

export async function postEnvelope(r: PostRequest): Promise<TaxiiStatus> {
  const requestTime = r.node.clock.nowIso();
  const objects = envelopeObjects(r.body);
  return r.collection.party === r.node.party ? postIndicators(r, objects, requestTime) : postSightings(r, objects, requestTime);
}
