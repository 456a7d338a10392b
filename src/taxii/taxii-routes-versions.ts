/** The versions of one object in a collection (all of them by default), paged like the objects. */
import { READERS } from '../api/roles.js';
import { objectQuery, type Query } from './object-filters.js';
import { collectionOf, sendPage, type ObjectParams, type TaxiiApp, type TaxiiContext } from './taxii-context.js';
import { TaxiiError } from './taxii-errors.js';

export function registerVersionRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  app.get<{ Params: ObjectParams; Querystring: Query }>('/:root/collections/:collection/objects/:object/versions/', { config: { taxiiRoles: READERS } }, async (request, reply) => {
    const c = collectionOf(ctx, request.params);
    if (request.query['match[version]'] !== undefined) throw new TaxiiError(400, 'taxii.filter', 'the versions endpoint takes no match[version]');
    const page = await ctx.projection.store.page(objectQuery(c.party, request.query, { objectId: request.params.object, defaultVersions: 'all' }));
    if (page.rows.length === 0 && request.query.next === undefined) throw new TaxiiError(404, 'taxii.object', `no object ${request.params.object} in this collection (with these filters)`);
    return sendPage(reply, page.rows, page.more, { versions: page.rows.map((r) => r.version) });
  });
}
