/**
 * How the federation answers what it refuses: a 4xx with {error: "<rule>", message: "<what was wrong>"} and any
 * details the caller can act on (a gap's `expected` size). A peer's bad input is never a 5xx: a 5xx would tell the
 * peer to retry what will never succeed.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ProtocolError } from '../protocol/errors.js';
import { StoreConflictError } from '../storage/store.js';
import { UnknownLogError } from '../node/log-trees.js';
import { Refusal } from '../node/refusal.js';

export interface ErrorBody {
  error: string;
  message: string;
  [detail: string]: unknown;
}

/** The status and body of an error thrown while answering a federation request. */
export function errorAnswer(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof Refusal) return { status: e.status, body: { ...e.details, error: e.rule, message: e.message } };
  if (e instanceof UnknownLogError) return { status: 404, body: { error: 'log.unknown', message: e.message } };
  if (e instanceof ProtocolError) return { status: 400, body: { error: e.rule, message: e.message } };
  if (e instanceof StoreConflictError) return { status: 409, body: { error: e.rule, message: e.message } };
  const status = (e as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: { error: (e as FastifyError).code ?? 'request.invalid', message: (e as Error).message } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error (see the node log)' } };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((e, request, reply) => {
    const { status, body } = errorAnswer(e);
    if (status >= 500) request.log.error({ err: e }, 'federation request failed');
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'route.unknown', message: `no federation endpoint ${request.method} ${request.url.split('?')[0]}` });
  });
}
