/** What the TAXII routes share: the node, the TAXII store and its projection, the STIX validator, and small helpers. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { NodeApi } from '../node/node-api.js';
import type { TaxiiObjectRow } from '../storage/taxii-store.js';
import type { StixValidator } from '../stix/stix-validator.js';
import { findCollection, type TaxiiCollection } from './collections.js';
import { TAXII_CONTENT_TYPE } from './media-types.js';
import { microsTimestamp } from './object-filters.js';
import { encodeCursor } from './pagination-cursor.js';
import type { TaxiiProjection } from './projection.js';
import { TaxiiError } from './taxii-errors.js';

export interface TaxiiContext {
  node: NodeApi;
  projection: TaxiiProjection;
  validator: StixValidator;
}

export type TaxiiApp = FastifyInstance;

export interface RootParams { root: string }
export interface CollectionParams extends RootParams { collection: string }
export interface ObjectParams extends CollectionParams { object: string }

/** The API root of the node's agreement; any other root is unknown (404). */
export function checkRoot(ctx: TaxiiContext, root: string): void {
  if (root !== ctx.node.agreement.id) throw new TaxiiError(404, 'taxii.api-root', `no API root ${JSON.stringify(root.slice(0, 80))} (this node serves ${ctx.node.agreement.id})`);
}

export function collectionOf(ctx: TaxiiContext, p: CollectionParams): TaxiiCollection {
  checkRoot(ctx, p.root);
  return findCollection(ctx.node.agreement, p.collection);
}

/** Answers a listing: TAXII media type, X-TAXII-Date-Added-First/-Last of the page, and the body. */
export function sendPage(reply: FastifyReply, rows: TaxiiObjectRow[], more: boolean, body: Record<string, unknown>): FastifyReply {
  if (rows.length > 0) {
    void reply.header('X-TAXII-Date-Added-First', microsTimestamp(rows[0]!.dateAddedUs));
    void reply.header('X-TAXII-Date-Added-Last', microsTimestamp(rows[rows.length - 1]!.dateAddedUs));
  }
  return sendJson(reply, { more, ...(more && rows.length > 0 ? { next: encodeCursor(rows[rows.length - 1]!.seq) } : {}), ...body });
}

/**
 * Sends a TAXII body serialised here: Fastify would rewrite the media type of an object it serialises to
 * `version="2.1"; charset=utf-8`, which clients that compare the header token by token (taxii2-client) refuse.
 */
function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', TAXII_CONTENT_TYPE).send(JSON.stringify(body));
}

export function sendTaxii(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return sendJson(reply.status(status), body);
}
