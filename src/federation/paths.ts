/**
 * The federation endpoints, served by every node over mutual TLS (docs/protocol.md, "Federation").
 * The caller is the party whose pinned certificate it presented; nothing else identifies it.
 */

/** POST: the caller pushes consecutive statements of its own log; the answer carries the receipts. */
export const pushPath = (author: string): string => `/v1/logs/${author}/statements`;
/** GET ?from=N&limit=M: a range of a log this node holds (its own, or its mirror of a peer's): backfill. */
export const statementsPath = (party: string, from: number, limit: number): string => `/v1/logs/${party}/statements?from=${from}&limit=${limit}`;
/** GET: the latest checkpoint of a log this node holds, with the cosignatures it has (a C2SP signed note). */
export const checkpointPath = (party: string): string => `/v1/logs/${party}/checkpoint`;
/** GET ?old=&new=: a consistency proof between two sizes of a log this node holds, one base64 hash per line. */
export const consistencyPath = (party: string, oldSize: number, newSize: number): string => `/v1/logs/${party}/consistency?old=${oldSize}&new=${newSize}`;
/** GET ?index=&size=: an inclusion proof, one base64 hash per line. */
export const inclusionPath = (party: string, index: number, size: number): string => `/v1/logs/${party}/inclusion?index=${index}&size=${size}`;
/** POST: C2SP tlog-witness add-checkpoint; the caller must be the log's party. */
export const ADD_CHECKPOINT_PATH = '/v1/witness/add-checkpoint';
/** GET: gossip — the latest checkpoint (with cosignatures) this node holds of every log, so split views show. */
export const CHECKPOINTS_PATH = '/v1/checkpoints';

/** Most statements one push or one range answer carries. */
export const MAX_BATCH = 500;
