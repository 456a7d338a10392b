/**
 * Bearer tokens and roles. Every route says which roles may call it (route config `roles`); the check runs before
 * the body is even parsed, so an unauthenticated caller learns nothing about what a valid request looks like.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken, Role, Store } from '../storage/store.js';
import { ApiError } from './api-errors.js';
import { tokenHash } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call the route; absent = public (health, docs). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The token the request authenticated with, on routes that need one. */
    principal?: ApiToken;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/** The authenticated token of a request on a route that needs one (set by the hook below). */
export function principalOf(request: FastifyRequest): ApiToken {
  if (!request.principal) throw new ApiError(401, 'auth.token', 'this route needs a bearer token');
  return request.principal;
}

export function registerAuth(app: FastifyInstance, store: Store): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const roles = request.routeOptions.config?.roles;
    if (!roles) return;
    const token = bearer(request);
    if (!token) throw new ApiError(401, 'auth.token', 'send a token: Authorization: Bearer <token>');
    const found = await store.tokenByHash(tokenHash(token));
    if (!found) throw new ApiError(401, 'auth.token', 'the token is not known to this node');
    if (!roles.includes(found.role)) {
      throw new ApiError(403, 'auth.role', `the ${found.role} role may not call this route (roles: ${roles.join(', ')})`);
    }
    request.principal = found;
  });
}
