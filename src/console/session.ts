/**
 * Console sessions: a random secret in an HttpOnly, SameSite=Strict, Secure cookie, and a CSRF token derived from
 * that secret, which the console sends in a header on every unsafe request. The cookie alone (what a forged
 * cross-site request carries) is not enough; the token alone (without the cookie) is worth nothing; and since the
 * token is derived from the session secret, it is bound to that session without storing it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'parley_session';
export const CSRF_HEADER = 'x-parley-csrf';
/** A working day and a bit: a duty officer's shift, after which they log in again. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function csrfTokenOf(sessionSecret: string): string {
  return createHash('sha256').update('parley-csrf\0' + sessionSecret, 'utf8').digest('base64url');
}

export function csrfMatches(sessionSecret: string, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(sessionSecret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Methods that change nothing, which therefore need no CSRF token. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
