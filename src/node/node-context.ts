/**
 * What the parts of a running node share: its identity, the agreement, the clock, the store, the Merkle trees of
 * every log it holds, and a way to talk to each peer. party-node.ts builds it once; delivery, receiving, witnessing
 * and gossip each take it, so none of them reaches into another's internals.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Agreement } from '../protocol/agreement.js';
import type { SigningKey } from '../protocol/keys.js';
import type { MerkleTree } from '../protocol/merkle-tree.js';
import type { Store } from '../storage/store.js';
import type { Clock } from './clock.js';
import type { NodeEvents } from './node-api.js';
import type { Sealing } from './sealing.js';
import type { StatementCache } from './statement-cache.js';

/** A request to a peer's federation endpoint, over mutual TLS pinned by the agreement (peer-client.ts implements it). */
export interface PeerRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. "/v1/logs/avalon/statements?from=3". */
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
  accept?: string;
}

export interface PeerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface PeerTransport {
  readonly party: string;
  /** Resolves with any HTTP status; rejects only when the peer could not be reached or was not the pinned peer. */
  request(req: PeerRequest): Promise<PeerResponse>;
  close(): Promise<void>;
}

export interface NodeContext {
  readonly party: string;
  readonly agreement: Agreement;
  /** The own key, and its name: `<agreement id>/<party id>`, which is also the own log's origin. */
  readonly signingKey: SigningKey;
  readonly keyName: string;
  /** A party's C2SP verifier key (log and statement signatures), as the agreement pins it. */
  vkeyOf(party: string): string;
  readonly clock: Clock;
  readonly store: Store;
  readonly events: EventEmitter<NodeEvents>;
  readonly logger: Logger;
  /** The Merkle tree of every log this node holds (own and mirrors), always equal to what the store holds. */
  tree(party: string): MerkleTree;
  /** Seals own statements addressed to some parties but not all, and opens what is sealed to this party. */
  readonly sealing: Sealing;
  /** Every statement of those logs, parsed, in memory (what the store holds: it follows the node's events). */
  readonly statements: StatementCache;
  /** One transport per peer (every party of the agreement but this one). */
  readonly peers: ReadonlyMap<string, PeerTransport>;
  /**
   * Runs `fn` alone among the node's writers. Every read-check-write of the store goes through here, so that two
   * requests cannot both append at the same index or both advance the witness state.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}
