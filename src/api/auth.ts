/**
 * Who is calling, and may they. Every route says which roles may call it (route config `roles`); the check runs
 * before the body is even parsed, so an unauthenticated caller learns nothing about what a valid request looks like.
 *
 * Two ways in, with the same roles: a bearer token (tools, the command line), or a console session — the session
 * cookie plus, on every unsafe request, the session's CSRF token in a header (src/console/session.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role, Store } from '../storage/store.js';
import type { AccountStore } from '../storage/account-store.js';
import type { Actor } from '../storage/approval-store.js';
import { CSRF_HEADER, csrfMatches, SAFE_METHODS, SESSION_COOKIE } from '../console/session.js';
import { ApiError } from './api-errors.js';
import { tokenHash } from './tokens.js';

/** The person or tool behind a request. */
export interface Principal extends Actor {
  role: Role;
  via: 'token' | 'session';
  /** For a session: its secret (to end it at logout). */
  sessionSecret?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call the route; absent = public (health, docs, login). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** Who the request authenticated as, on routes that need it. */
    principal?: Principal;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/** The authenticated principal of a request on a route that needs one (set by the hook below). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'auth.token', 'this route needs a bearer token or a console session');
  return request.principal;
}

async function byToken(store: Store, token: string): Promise<Principal> {
  const hash = tokenHash(token);
  const found = await store.tokenByHash(hash);
  if (!found) throw new ApiError(401, 'auth.token', 'the token is not known to this node');
  return { id: `token:${hash}`, name: found.name, role: found.role, via: 'token' };
}

/** The session of the request's cookie, or undefined when it has none that is still valid. */
export async function sessionPrincipal(accounts: AccountStore, request: FastifyRequest): Promise<Principal | undefined> {
  const secret = request.cookies?.[SESSION_COOKIE];
  if (!secret) return undefined;
  const found = await accounts.sessionAccount(secret, new Date().toISOString());
  if (!found) return undefined;
  const { account } = found;
  return { id: `account:${account.name}`, name: account.name, role: account.role, via: 'session', sessionSecret: secret };
}

async function bySession(accounts: AccountStore | undefined, request: FastifyRequest): Promise<Principal> {
  const principal = accounts ? await sessionPrincipal(accounts, request) : undefined;
  if (!principal) throw new ApiError(401, 'auth.token', 'send a token (Authorization: Bearer <token>) or log in to the console');
  if (!SAFE_METHODS.has(request.method) && !csrfMatches(principal.sessionSecret!, request.headers[CSRF_HEADER] as string | undefined)) {
    throw new ApiError(403, 'auth.csrf', `a console request that changes something must carry the session's CSRF token in the ${CSRF_HEADER} header`);
  }
  return principal;
}

export function registerAuth(app: FastifyInstance, store: Store, accounts?: AccountStore): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const roles = request.routeOptions.config?.roles;
    if (!roles) return;
    const token = bearer(request);
    const principal = token ? await byToken(store, token) : await bySession(accounts, request);
    if (!roles.includes(principal.role)) {
      throw new ApiError(403, 'auth.role', `the ${principal.role} role may not call this route (roles: ${roles.join(', ')})`);
    }
    request.principal = principal;
  });
}
