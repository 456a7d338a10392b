/**
 * Logging in and out of the console. POST /session checks the name, the password (scrypt) and, for accounts that
 * have one, the TOTP code; it is rate-limited per address, answers the same refusal whatever was wrong, and takes
 * as long for an unknown name as for a wrong password. The session secret goes into an HttpOnly, SameSite=Strict,
 * Secure cookie; the answer carries the CSRF token the console sends back on unsafe requests.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { ApiApp } from '../api/api-app.js';
import { ApiError } from '../api/api-errors.js';
import { sessionPrincipal } from '../api/auth.js';
import type { Account, AccountStore } from '../storage/account-store.js';
import { DECOY_HASH, verifyPassword } from './passwords.js';
import { csrfTokenOf, newSessionSecret, SESSION_COOKIE, SESSION_LIFETIME_MS } from './session.js';
import { verifyTotp } from './totp.js';

const LoginBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  code: Type.Optional(Type.String({ maxLength: 16, description: 'the six-digit TOTP code, for accounts with a second factor' })),
}, { additionalProperties: false });

/** Login attempts per address and minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

const loginRefused = () => new ApiError(401, 'auth.login', 'the name, the password or the one-time code is wrong');

async function checkLogin(accounts: AccountStore, name: string, password: string, code: string | undefined): Promise<Account> {
  const account = await accounts.byName(name);
  const passwordOk = await verifyPassword(password, account?.passwordHash ?? DECOY_HASH);
  if (!account || !passwordOk) throw loginRefused();
  if (account.totpSecret) {
    if (code === undefined || code === '') throw new ApiError(401, 'auth.code-needed', 'this account needs the six-digit code of its authenticator');
    if (!verifyTotp(account.totpSecret, code.trim(), Date.now() / 1000)) throw loginRefused();
  }
  return account;
}

function setSessionCookie(reply: FastifyReply, secret: string, maxAgeMs: number): void {
  void reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'strict', secure: true, maxAge: Math.floor(maxAgeMs / 1000) });
}

export function registerSessionRoutes(app: ApiApp, accounts: AccountStore, party: string): void {
  app.post('/session', {
    config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } },
    schema: { tags: ['console'], summary: 'Log in to the console: sets the session cookie, answers the CSRF token', body: LoginBody },
  }, async (request, reply) => {
    const { name, password, code } = request.body;
    let account: Account;
    try {
      account = await checkLogin(accounts, name, password, code);
    } catch (e) {
      request.log.warn({ account: name }, 'console login refused');
      throw e;
    }
    const secret = newSessionSecret();
    const now = Date.now();
    await accounts.endExpired(new Date(now).toISOString());
    await accounts.addSession(secret, { account: account.name, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + SESSION_LIFETIME_MS).toISOString() });
    setSessionCookie(reply, secret, SESSION_LIFETIME_MS);
    request.log.info({ account: account.name, role: account.role }, 'console login');
    return reply.status(201).send({ name: account.name, role: account.role, party, csrf: csrfTokenOf(secret) });
  });

  app.get('/session', {
    schema: { tags: ['console'], summary: "The console session of this request's cookie: who, which role, and its CSRF token" },
  }, async (request) => {
    const principal = await sessionPrincipal(accounts, request);
    if (!principal) throw new ApiError(401, 'auth.session', 'no console session: log in');
    return { name: principal.name, role: principal.role, party, csrf: csrfTokenOf(principal.sessionSecret!) };
  });

  // Logging out needs no CSRF token: a forged logout only ends a session, and a stale page must always be able to.
  app.delete('/session', {
    schema: { tags: ['console'], summary: 'Log out: ends the session and clears its cookie' },
  }, async (request, reply) => {
    const secret = request.cookies?.[SESSION_COOKIE];
    if (secret) await accounts.endSession(secret);
    setSessionCookie(reply, '', 0);
    return reply.status(204).send();
  });
}
