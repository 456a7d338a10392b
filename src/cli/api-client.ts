/**
 * A small client for a node's user API (undici): what `parley send` and `parley cases` use, and the demo after them.
 * Refusals come back as ApiRefusedError with the API's rule, field and message, so the CLI can print them as they are.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_TOKEN_FILE } from '../api/tokens.js';
import { UsageError } from './usage-error.js';
// undici and the node's modules are loaded when a command talks to a node: `parley verify` starts without them.

/** The API answered 4xx/5xx. */
export class ApiRefusedError extends Error {
  constructor(readonly status: number, readonly rule: string, message: string, readonly path?: string) {
    super(message);
    this.name = 'ApiRefusedError';
  }
}

/** The API could not be reached at all (node not running, wrong URL). */
export class ApiUnreachableError extends Error {
  constructor(readonly url: string, options: { cause: unknown }) {
    super(`cannot reach the node's API at ${url}: ${(options.cause as Error).message ?? String(options.cause)}`, options);
    this.name = 'ApiUnreachableError';
  }
}

export class ApiClient {
  constructor(readonly baseUrl: string, private readonly token: string, private readonly timeoutMs = 30_000) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl).toString();
    const { request } = await import('undici');
    let res;
    try {
      res = await request(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (e) {
      throw new ApiUnreachableError(url, { cause: e });
    }
    const text = await res.body.text();
    const json = text.length > 0 && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) as unknown : text;
    if (res.statusCode >= 400) {
      const e = (typeof json === 'object' && json !== null ? json : {}) as { error?: string; message?: string; path?: string };
      throw new ApiRefusedError(res.statusCode, e.error ?? `http.${res.statusCode}`, e.message ?? String(text).slice(0, 200), e.path);
    }
    return json as T;
  }
}

export interface ApiTargetFlags {
  api?: string;
  token?: string;
  data?: string;
}

/**
 * The API to talk to: --api URL, or the one node.json of --data DIR names. The token: --token, else $PARLEY_TOKEN,
 * else (with --data) the first-run admin token of that directory — which can read but not send.
 */
export async function apiTarget(flags: ApiTargetFlags): Promise<ApiClient> {
  if (!flags.api && !flags.data) throw new UsageError('say which node: --api URL --token T, or --data DIR');
  let baseUrl = flags.api;
  if (!baseUrl && flags.data) {
    const [{ readNodeConfig }, { DATA_FILES }] = await Promise.all([import('../node/node-config.js'), import('../node/data-dir.js')]);
    const config = await readNodeConfig(join(flags.data, DATA_FILES.config));
    const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
    baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.api.port}`;
  }
  let token = flags.token ?? process.env.PARLEY_TOKEN;
  if (!token && flags.data) token = (await readFile(join(flags.data, ADMIN_TOKEN_FILE), 'utf8').catch(() => '')).trim() || undefined;
  if (!token) throw new UsageError('give a token: --token T or the PARLEY_TOKEN environment variable');
  return new ApiClient(baseUrl as string, token);
}

/**
 * Runs a command's work, printing an API refusal or an unreachable node in one line (exit 1) instead of a stack:
 * the refusal is the user's to fix, not a crash.
 */
export function reportingApiErrors<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof ApiRefusedError) {
        console.error(`parley: refused (${e.status} ${e.rule}${e.path ? ` at ${e.path}` : ''}): ${e.message}`);
        process.exitCode = 1;
      } else if (e instanceof ApiUnreachableError) {
        console.error(`parley: ${e.message}`);
        process.exitCode = 1;
      } else {
        throw e;
      }
    }
  };
}
