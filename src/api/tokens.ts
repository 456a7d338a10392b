/**
 * API tokens: random bearer secrets shown once, stored only as their SHA-256. A stolen database gives no token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken, Role, Store } from '../storage/store.js';
import type { Clock } from '../node/clock.js';

/** Where a node's first run writes its admin token, in the data directory (mode 0600). */
export const ADMIN_TOKEN_FILE = 'admin.token';

/** "parley_" + 32 random bytes in base64url: recognisable in a leaked file, unguessable. */
export function newTokenSecret(): string {
  return 'parley_' + randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a token of `role` and stores its hash; returns the secret, which nobody can recover later. */
export async function createToken(store: Store, clock: Clock, name: string, role: Role): Promise<{ token: string; record: ApiToken }> {
  const token = newTokenSecret();
  const record: ApiToken = { tokenHash: tokenHash(token), name, role, createdAt: clock.nowIso() };
  await store.addToken(record);
  return { token, record };
}
