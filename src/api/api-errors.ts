/**
 * How the API answers when it refuses: always 4xx with {error: "<rule>", message} for what the caller got wrong,
 * plus `path` when a field is named. A 5xx means the node failed, never the request.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DraftRejectedError } from '../node/node-api.js';
import { RequestInvalidError } from './type-provider.js';

/** An error the API answers with a given status and rule. */
export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly rule: string, message: string, readonly path?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export class NotFoundError extends ApiError {
  constructor(rule: string, message: string) {
    super(404, rule, message);
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  path?: string;
}

function bodyOf(e: unknown): { status: number; body: ErrorBody } | undefined {
  if (e instanceof ApiError) return { status: e.statusCode, body: { error: e.rule, message: e.message, ...(e.path ? { path: e.path } : {}) } };
  if (e instanceof DraftRejectedError) return { status: 422, body: { error: e.rule, path: e.path, message: e.message } };
  if (e instanceof RequestInvalidError) return { status: 400, body: { error: 'request.invalid', path: e.path, message: e.message } };
  const fe = e as Partial<FastifyError>;
  // Fastify's own refusals (unparseable JSON, wrong content type, body too large) carry a 4xx status and a code.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const rule = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'request.json' : `request.${(fe.code ?? 'refused').toLowerCase().replace(/^fst_err_/, '').replace(/_/g, '-')}`;
    return { status: fe.statusCode, body: { error: rule, message: fe.message ?? 'request refused' } };
  }
  return undefined;
}

export function apiErrorHandler(this: unknown, e: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = bodyOf(e);
  if (known) {
    request.log.info({ status: known.status, error: known.body.error }, 'request refused');
    if (known.status === 401) void reply.header('www-authenticate', 'Bearer realm="parley"');
    void reply.status(known.status).send(known.body);
    return;
  }
  request.log.error({ err: e }, 'request failed');
  void reply.status(500).send({ error: 'internal', message: 'the node failed to answer; see its log' });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error: 'route.unknown', message: `no route ${request.method} ${request.url.split('?')[0]}` });
}
