/**
 * What a running node offers to its edges (the user API, the scheduler, the CLI, the demo): the contract between
 * the node's behaviour (party-node.ts) and everything that drives it. Edges depend on this file, not on the
 * node's internals.
 */
import type { EventEmitter } from 'node:events';
import type { Agreement } from '../protocol/agreement.js';
import type { CaseState } from '../protocol/case-state.js';
import type { HashedStatement, StatementBody, StatementRef } from '../protocol/statement.js';
import type { Evidence, Store, StoredReceipt, StoredStatement } from '../storage/store.js';
import type { Clock } from './clock.js';

/** What a user asks the node to say; the node fills in agreement, author, index, time and signs. */
export interface StatementDraft {
  type: string;
  /** Addressees; when omitted, the type's rule decides (e.g. every other party, or the referenced author). */
  to?: string[];
  case?: string | null;
  refs?: StatementRef[];
  body: StatementBody;
}

/** A draft the agreement or the codebook refuses: the user gets `rule`, `path` and `message` back (HTTP 422). */
export class DraftRejectedError extends Error {
  constructor(readonly rule: string, readonly path: string, message: string) {
    super(message);
    this.name = 'DraftRejectedError';
  }
}

/** What a node knows of one peer. */
export interface PeerStatus {
  party: string;
  node: string;
  /** Whether the last request to the peer succeeded. */
  reachable: boolean;
  lastContactAt: string | null;
  /** Own statements the peer has not acknowledged yet. */
  pendingDeliveries: number;
  deliveryAttempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Size of this node's verified mirror of the peer's log, and the latest size the peer's checkpoints claim. */
  mirrorSize: number;
  checkpointSize: number;
  /** Statements of the peer's log known to exist (from its checkpoints) but not mirrored yet. */
  lag: number;
  /** The latest checkpoint of the peer's log that this node cosigned, as a witness. */
  witnessedSize: number;
  /** Which witnesses cosigned the own log's latest checkpoint (party ids). */
  cosignedOwnCheckpointBy: string[];
  /** 'verified' while everything checked out; 'alarm' once evidence of misbehaviour was kept. */
  verification: 'verified' | 'alarm';
  alarms: string[];
}

/** A statement with what the node knows about it: where it is, receipts, and whether its log checkpoint is cosigned. */
export interface StatementView {
  stored: StoredStatement;
  statement: HashedStatement;
  receipts: StoredReceipt[];
  /** Witnesses (party ids) that cosigned a checkpoint of the author's log covering this statement. */
  cosignedBy: string[];
}

/** Events a node emits; edges subscribe (metrics, the console's live updates, tests). */
export interface NodeEvents {
  /** A statement was appended to the own log. */
  appended: [statement: HashedStatement];
  /** A peer's statement was verified and mirrored. */
  mirrored: [statement: HashedStatement];
  /** A peer acknowledged own statements up to `ackedSize`. */
  delivered: [peer: string, ackedSize: number];
  /** A delivery attempt to a peer failed; the node will retry. */
  deliveryFailed: [peer: string, error: string];
  /** A witness cosigned a checkpoint of the own log. */
  cosigned: [witness: string, size: number];
  /** Evidence of misbehaviour was kept. */
  alarm: [evidence: Evidence];
}

export interface NodeApi {
  readonly party: string;
  readonly agreement: Agreement;
  readonly clock: Clock;
  readonly store: Store;
  readonly events: EventEmitter<NodeEvents>;

  /** Validates, signs, appends durably, and queues for delivery. Throws DraftRejectedError. */
  send(draft: StatementDraft): Promise<HashedStatement>;
  /** The cases as the fold sees them now, from all logs this node holds. */
  cases(): Promise<CaseState[]>;
  caseById(id: string): Promise<CaseState | undefined>;
  /** Statements of the given types from every log the node holds, ordered by (time, author, index). */
  statementsOfType(types: string[]): Promise<HashedStatement[]>;
  statement(author: string, index: number): Promise<StatementView | undefined>;
  statementByHash(hash: string): Promise<StatementView | undefined>;
  peers(): Promise<PeerStatus[]>;
  evidence(): Promise<Evidence[]>;
}
