/**
 * The TAXII 2.1 server of a node, served by the node's user-API Fastify instance under /taxii2/ (discovery at
 * /taxii2/, the agreement's API root at /taxii2/<agreement-id>/). Its routes live in an encapsulated plugin with
 * their own body parsers (TAXII and STIX JSON only: anything else is 415), their own authentication (API tokens as
 * Bearer or HTTP Basic), content negotiation (406) and TAXII error bodies. See docs/taxii.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeApi } from '../node/node-api.js';
import { TaxiiStore } from '../storage/taxii-store.js';
import { StixValidator } from '../stix/stix-validator.js';
import { acceptsTaxii, isEnvelopeContentType, MAX_CONTENT_LENGTH } from './media-types.js';
import { TaxiiProjection } from './projection.js';
import { authenticateTaxii } from './taxii-auth.js';
import type { TaxiiContext } from './taxii-context.js';
import { TaxiiError, taxiiErrorHandler, taxiiNotFoundHandler } from './taxii-errors.js';
import { registerCollectionRoutes } from './taxii-routes-collections.js';
import { registerDiscoveryRoutes } from './taxii-routes-discovery.js';
import { registerManifestRoutes } from './taxii-routes-manifest.js';
import { registerObjectRoutes } from './taxii-routes-objects.js';
import { registerVersionRoutes } from './taxii-routes-versions.js';

export const TAXII_PREFIX = '/taxii2';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The objects endpoints also answer clients that ask for application/stix+json. */
    taxiiAcceptsStix?: boolean;
  }
}

/** One validator per process: compiling the OASIS schemas takes a moment, and they never change while running. */
let sharedValidator: StixValidator | undefined;
export function stixValidator(): StixValidator {
  sharedValidator ??= new StixValidator();
  return sharedValidator;
}

function negotiate(request: FastifyRequest): void {
  if (!acceptsTaxii(request.headers.accept, request.routeOptions.config?.taxiiAcceptsStix === true)) {
    throw new TaxiiError(406, 'taxii.not-acceptable', 'this server answers application/taxii+json;version=2.1 only; send an Accept header that allows it');
  }
}

function parseEnvelope(request: FastifyRequest, body: string): unknown {
  if (!isEnvelopeContentType(request.headers['content-type'])) {
    throw new TaxiiError(415, 'taxii.media-type', 'post application/taxii+json;version=2.1 (a TAXII 2.1 envelope)');
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw new TaxiiError(400, 'taxii.json', `the body is not JSON: ${(e as Error).message}`);
  }
}

/** Registers the TAXII server on the node's API instance; the TAXII store catches up with the node's statements first. */
export async function registerTaxii(app: FastifyInstance, node: NodeApi): Promise<void> {
  const store = await TaxiiStore.open(node.store.database, () => node.clock.nowMs());
  const projection = new TaxiiProjection(node, store, app.log as never);
  await projection.start();
  app.addHook('onClose', async () => projection.stop());
  const ctx: TaxiiContext = { node, projection, validator: stixValidator() };

  await app.register(async (taxii) => {
    // TAXII 2.1 is its own specification (docs/taxii.md): the node's OpenAPI document describes the Parley API only.
    taxii.addHook('onRoute', (route) => { route.schema = { ...route.schema, hide: true }; });
    taxii.removeAllContentTypeParsers();
    taxii.addContentTypeParser(['application/taxii+json', 'application/stix+json'], { parseAs: 'string', bodyLimit: MAX_CONTENT_LENGTH }, (request, body, done) => {
      try {
        done(null, parseEnvelope(request, body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    taxii.setErrorHandler(taxiiErrorHandler);
    taxii.setNotFoundHandler(taxiiNotFoundHandler);
    taxii.addHook('onRequest', async (request) => {
      await authenticateTaxii(request, node.store);
      if (request.routeOptions.config?.taxiiRoles) negotiate(request);
    });
    registerDiscoveryRoutes(taxii, ctx);
    registerCollectionRoutes(taxii, ctx);
    registerObjectRoutes(taxii, ctx);
    registerManifestRoutes(taxii, ctx);
    registerVersionRoutes(taxii, ctx);
  }, { prefix: TAXII_PREFIX });
}
