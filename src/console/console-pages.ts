/**
 * The console's single-page app, served by the node itself from the user API's listener, so that the console and
 * the API share one origin (no CORS, cookies stay SameSite=Strict). Every console page carries a strict
 * Content-Security-Policy: scripts, styles, images and connections from this origin only, no inline script, no
 * framing, no plugins.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the app routes itself (history API): each answers index.html, and the app shows the page. */
export const CLIENT_ROUTES = ['/', '/login', '/inbox', '/cases/*', '/compose', '/approvals', '/directory', '/checks', '/peers', '/compliance', '/report'];

/**
 * Where the built console is: PARLEY_CONSOLE_DIR, else `console/` beside the compiled `src/` (dist/console after
 * `npm run build`).
 */
export function defaultConsoleDir(): string {
  return process.env.PARLEY_CONSOLE_DIR ?? fileURLToPath(new URL('../../console/', import.meta.url));
}

export function consoleBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

function secureHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
  void reply.header('x-frame-options', 'DENY');
  void reply.header('cross-origin-opener-policy', 'same-origin');
}

/** Serves the console from `dir` (which must hold a built index.html). Registered in its own scope: the CSP hook stays on console pages. */
export async function registerConsolePages(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      secureHeaders(reply);
      // Hashed asset names change with their content; index.html must be fetched again to see a new build.
      void reply.header('cache-control', request.url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return payload;
    });
    await scope.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: false });
    for (const path of CLIENT_ROUTES) {
      scope.get(path, { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').sendFile('index.html'));
    }
  });
}
