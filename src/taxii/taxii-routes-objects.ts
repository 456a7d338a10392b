/**
 * Objects of a collection: list (GET, with every TAXII filter and keyset pages), add (POST of an envelope, answered
 * with a status), one object's versions by id (GET), and DELETE of an object from this node's TAXII view.
 */
import { READERS, SENDERS } from '../api/roles.js';
import { objectQuery, type Query } from './object-filters.js';
import { postEnvelope } from './posting.js';
import { servedObject } from './served-objects.js';
import { taxiiPrincipal } from './taxii-auth.js';
import { collectionOf, sendPage, sendTaxii, type CollectionParams, type ObjectParams, type TaxiiApp, type TaxiiContext } from './taxii-context.js';
import { TaxiiError } from './taxii-errors.js';
import { MAX_CONTENT_LENGTH } from './media-types.js';

const STIX_ID = /^[a-z][a-z0-9-]{0,249}--[0-9a-fA-F-]{36}$/;

function objectIdOf(p: ObjectParams): string {
  if (!STIX_ID.test(p.object)) throw new TaxiiError(404, 'taxii.object', `${JSON.stringify(p.object.slice(0, 80))} is not a STIX object id`);
  return p.object;
}

export function registerObjectRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  const { store } = ctx.projection;
  const objectsConfig = { taxiiRoles: READERS, taxiiAcceptsStix: true };

  app.get<{ Params: CollectionParams; Querystring: Query }>('/:root/collections/:collection/objects/', { config: objectsConfig }, async (request, reply) => {
    const c = collectionOf(ctx, request.params);
    const page = await store.page(objectQuery(c.party, request.query));
    return sendPage(reply, page.rows, page.more, { objects: page.rows.map(servedObject) });
  });

  app.post<{ Params: CollectionParams; Querystring: { to?: string; case?: string } }>('/:root/collections/:collection/objects/', {
    config: { taxiiRoles: SENDERS, taxiiAcceptsStix: true },
    bodyLimit: MAX_CONTENT_LENGTH,
  }, async (request, reply) => {
    const collection = collectionOf(ctx, request.params);
    const { to, case: caseId } = request.query;
    if (Array.isArray(to) || Array.isArray(caseId)) throw new TaxiiError(400, 'taxii.query', 'give `to` and `case` once each');
    const status = await postEnvelope({
      node: ctx.node, projection: ctx.projection, validator: ctx.validator, principal: taxiiPrincipal(request), collection,
      query: { ...(to !== undefined ? { to } : {}), ...(caseId !== undefined ? { case: caseId } : {}) }, body: request.body,
    });
    return sendTaxii(reply, 202, status);
  });

  app.get<{ Params: ObjectParams; Querystring: Query }>('/:root/collections/:collection/objects/:object/', { config: objectsConfig }, async (request, reply) => {
    const c = collectionOf(ctx, request.params);
    const page = await store.page(objectQuery(c.party, request.query, { objectId: objectIdOf(request.params) }));
    if (page.rows.length === 0 && request.query.next === undefined) throw new TaxiiError(404, 'taxii.object', `no object ${request.params.object} in this collection (with these filters)`);
    return sendPage(reply, page.rows, page.more, { objects: page.rows.map(servedObject) });
  });

  app.delete<{ Params: ObjectParams; Querystring: Query }>('/:root/collections/:collection/objects/:object/', { config: { taxiiRoles: SENDERS, taxiiAcceptsStix: true } }, async (request, reply) => {
    const c = collectionOf(ctx, request.params);
    taxiiPrincipal(request);
    const q = objectQuery(c.party, request.query, { objectId: objectIdOf(request.params), defaultVersions: 'all' });
    const deleted = await store.deleteObject({ collection: c.party, objectId: request.params.object, versions: q.versions, ...(q.specVersions ? { specVersions: q.specVersions } : {}) });
    if (deleted === 0) throw new TaxiiError(404, 'taxii.object', `no object ${request.params.object} in this collection (with these filters)`);
    return sendTaxii(reply, 200, {});
  });
}
