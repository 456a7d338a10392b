/** The collections of the API root: one per party (collections.ts); a caller may write to them if it may send. */
import type { FastifyRequest } from 'fastify';
import { READERS, SENDERS } from '../api/roles.js';
import { collectionResource, collectionsOf, type TaxiiCollection } from './collections.js';
import { taxiiPrincipal } from './taxii-auth.js';
import { checkRoot, collectionOf, sendTaxii, type CollectionParams, type RootParams, type TaxiiApp, type TaxiiContext } from './taxii-context.js';

function resource(request: FastifyRequest, c: TaxiiCollection) {
  return collectionResource(c, { canRead: true, canWrite: SENDERS.includes(taxiiPrincipal(request).role) });
}

export function registerCollectionRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  app.get<{ Params: RootParams }>('/:root/collections/', { config: { taxiiRoles: READERS } }, async (request, reply) => {
    checkRoot(ctx, request.params.root);
    return sendTaxii(reply, 200, { collections: collectionsOf(ctx.node.agreement).map((c) => resource(request, c)) });
  });

  app.get<{ Params: CollectionParams }>('/:root/collections/:collection/', { config: { taxiiRoles: READERS } }, async (request, reply) =>
    sendTaxii(reply, 200, resource(request, collectionOf(ctx, request.params))));
}
