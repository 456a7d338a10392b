/**
 * How the TAXII server refuses: the TAXII 2.1 error resource (title, description, http_status) and, in the same
 * body, the {error, message} every Parley API answer carries, so both TAXII clients and Parley tools read it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DraftRejectedError } from '../node/node-api.js';
import { ApiError } from '../api/api-errors.js';
import { TAXII_CONTENT_TYPE } from './media-types.js';

export class TaxiiError extends ApiError {}

export interface TaxiiErrorBody {
  title: string;
  description: string;
  http_status: string;
  error: string;
  message: string;
  path?: string;
}

function refusal(e: unknown): { status: number; rule: string; message: string; path?: string } | undefined {
  if (e instanceof ApiError) return { status: e.statusCode, rule: e.rule, message: e.message, ...(e.path ? { path: e.path } : {}) };
  if (e instanceof DraftRejectedError) return { status: 422, rule: e.rule, message: e.message, path: e.path };
  const fe = e as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const rule = fe.statusCode === 413 ? 'taxii.too-large' : fe.statusCode === 415 ? 'taxii.media-type' : 'taxii.request';
    return { status: fe.statusCode, rule, message: fe.message ?? 'request refused' };
  }
  return undefined;
}

function send(reply: FastifyReply, status: number, rule: string, message: string, path?: string): void {
  const body: TaxiiErrorBody = { title: rule, description: message, http_status: String(status), error: rule, message, ...(path ? { path } : {}) };
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="parley-taxii", Bearer realm="parley-taxii"');
  void reply.status(status).header('content-type', TAXII_CONTENT_TYPE).send(JSON.stringify(body));
}

export function taxiiErrorHandler(this: unknown, e: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = refusal(e);
  if (known) {
    request.log.info({ status: known.status, error: known.rule }, 'TAXII request refused');
    send(reply, known.status, known.rule, known.message, known.path);
    return;
  }
  request.log.error({ err: e }, 'TAXII request failed');
  send(reply, 500, 'internal', 'the node failed to answer; see its log');
}

export function taxiiNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  send(reply, 404, 'taxii.not-found', `no TAXII resource ${request.method} ${request.url.split('?')[0]}`);
}
