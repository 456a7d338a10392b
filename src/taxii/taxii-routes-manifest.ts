/**
 * The manifest of a collection: one record per object version (id, date_added, version, media_type), with the
 * same filters and pages as the objects, plus the provenance of each (author, statement hash and index, signature).
 */
import { READERS } from '../api/roles.js';
import { STIX_MEDIA_TYPE } from './media-types.js';
import { microsTimestamp, objectQuery, type Query } from './object-filters.js';
import { PROVENANCE_PROPERTY, provenanceJson } from './served-objects.js';
import { collectionOf, sendPage, type CollectionParams, type TaxiiApp, type TaxiiContext } from './taxii-context.js';

export function registerManifestRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  app.get<{ Params: CollectionParams; Querystring: Query }>('/:root/collections/:collection/manifest/', { config: { taxiiRoles: READERS } }, async (request, reply) => {
    const c = collectionOf(ctx, request.params);
    const page = await ctx.projection.store.page(objectQuery(c.party, request.query));
    return sendPage(reply, page.rows, page.more, {
      objects: page.rows.map((r) => ({
        id: r.objectId, date_added: microsTimestamp(r.dateAddedUs), version: r.version, media_type: STIX_MEDIA_TYPE,
        [PROVENANCE_PROPERTY]: provenanceJson(r.provenance),
      })),
    });
  });
}
