/**
 * Who may use the TAXII server: the node's API tokens, sent as `Authorization: Bearer <token>` or — since most TAXII
 * clients only speak HTTP Basic — as the password of `Authorization: Basic` (the user name is ignored). Readers
 * read; duty officers and approvers post and delete.
 */
import { Buffer } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import type { Role, Store } from '../storage/store.js';
import type { Principal } from '../api/auth.js';
import { tokenHash } from '../api/tokens.js';
import { TaxiiError } from './taxii-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call a TAXII route (checked by the TAXII server's own hook, which also takes HTTP Basic). */
    taxiiRoles?: readonly Role[];
  }
}

/** The token a request carries, from Bearer or from Basic's password (or its user name when the password is empty). */
export function presentedToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const b = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (b) return b[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const password = decoded.slice(colon + 1);
  return password !== '' ? password : decoded.slice(0, colon) || undefined;
}

export async function authenticateTaxii(request: FastifyRequest, store: Store): Promise<void> {
  const roles = request.routeOptions.config?.taxiiRoles;
  if (!roles) return;
  const token = presentedToken(request.headers.authorization);
  if (!token) throw new TaxiiError(401, 'auth.token', 'send an API token: Authorization: Bearer <token>, or HTTP Basic with the token as password');
  const hash = tokenHash(token);
  const found = await store.tokenByHash(hash);
  if (!found) throw new TaxiiError(401, 'auth.token', 'the token is not known to this node');
  if (!roles.includes(found.role)) throw new TaxiiError(403, 'auth.role', `the ${found.role} role may not do this (roles: ${roles.join(', ')})`);
  request.principal = { id: `token:${hash}`, name: found.name, role: found.role, via: 'token' };
}

export function taxiiPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new TaxiiError(401, 'auth.token', 'this resource needs an API token');
  return request.principal;
}
