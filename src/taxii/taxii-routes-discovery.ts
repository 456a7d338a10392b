/** Server discovery (GET /taxii2/), the API root (one per agreement) and status resources. */
import type { FastifyRequest } from 'fastify';
import { READERS } from '../api/roles.js';
import { MAX_CONTENT_LENGTH, TAXII_MEDIA_TYPE } from './media-types.js';
import { statusById } from './status.js';
import { checkRoot, sendTaxii, type RootParams, type TaxiiApp, type TaxiiContext } from './taxii-context.js';

/** The URL of the API root as the client reached this server (Host header), so clients can follow it as given. */
function rootUrl(request: FastifyRequest, root: string): string {
  return `${request.protocol}://${request.host}/taxii2/${root}/`;
}

export function registerDiscoveryRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  const { node } = ctx;
  const title = node.agreement.title.en ?? Object.values(node.agreement.title)[0] ?? node.agreement.id;

  app.get('/', { config: { taxiiRoles: READERS } }, async (request, reply) => sendTaxii(reply, 200, {
    title: `Parley node of ${node.party}`,
    description: `TAXII 2.1 server of ${node.party}'s Parley node: one API root per agreement; every object carries the signed statement it came from.`,
    default: rootUrl(request, node.agreement.id),
    api_roots: [rootUrl(request, node.agreement.id)],
  }));

  app.get<{ Params: RootParams }>('/:root/', { config: { taxiiRoles: READERS } }, async (request, reply) => {
    checkRoot(ctx, request.params.root);
    return sendTaxii(reply, 200, {
      title: `Agreement ${node.agreement.id}`,
      description: title,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: MAX_CONTENT_LENGTH,
    });
  });

  app.get<{ Params: RootParams & { status: string } }>('/:root/status/:status/', { config: { taxiiRoles: READERS } }, async (request, reply) => {
    checkRoot(ctx, request.params.root);
    return sendTaxii(reply, 200, await statusById(ctx.projection.store, request.params.status));
  });
}
