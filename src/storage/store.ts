/**
 * The one storage interface of a node. Two drivers implement it (sqlite.ts, postgres.ts) through Kysely; the same
 * test suite (test/storage/store.test.ts) runs on both.
 *
 * What a node keeps:
 *  - logs: its own log and a verified mirror of each peer's log, in one table keyed by (author, index). A log is
 *    append-only and contiguous: appending index n requires indices 0..n-1 of that author.
 *  - checkpoints of every log (its own, signed by itself; peers', as seen), and the cosignatures collected on them;
 *  - the witness state: per peer log, the last checkpoint this node cosigned;
 *  - delivery state: per peer, how much of the own log the peer has acknowledged (the log itself is the outbox:
 *    a statement is appended and becomes due for delivery in one transaction), with retry bookkeeping;
 *  - receipts a peer returned for the own statements;
 *  - evidence of misbehaviour (forks, equivocation, forged statements), never deleted;
 *  - users' API tokens (hashes only), and small settings.
 *
 * The store checks storage invariants (contiguity, uniqueness) and nothing of the protocol: callers verify
 * signatures, proofs and agreement rules before they write. Errors a caller can act on are StoreConflictError.
 */
import type { StoreDatabase } from './feature-store.js';


/** A statement as stored: its canonical signed text, its identity, and the columns queries need. */
export interface StoredStatement {
  author: string;
  index: number;
  /** Lowercase hex RFC 6962 leaf hash of `text`: the statement's identity. */
  hash: string;
  /** The statement's canonical JSON (JCS, with sig): the Merkle leaf. */
  text: string;
  type: string;
  /** The case id, or null. */
  caseId: string | null;
  /** The statement's own time (ISO 8601, ms, UTC). */
  time: string;
  /** When this node stored it (ISO 8601, ms, UTC). */
  storedAt: string;
}

export interface StoredCheckpoint {
  /** The party whose log it is. */
  log: string;
  size: number;
  /** Lowercase hex root hash. */
  root: string;
  /** The signed note as the log signed it (without cosignatures). */
  note: string;
  /** Where it came from: this node itself, or the peer that showed it to us. */
  seenFrom: string;
  storedAt: string;
}

export interface StoredCosignature {
  log: string;
  size: number;
  /** The witnessing party. */
  witness: string;
  /** The C2SP signature line. */
  line: string;
}

/** What this node, as a witness, last cosigned of a peer's log. */
export interface WitnessRecord {
  log: string;
  size: number;
  root: string;
  note: string;
}

/** Delivery of the own log to one peer: the peer has acknowledged indices [0, ackedSize). */
export interface DeliveryState {
  peer: string;
  ackedSize: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** Earliest time of the next attempt (ISO), or null when nothing is pending. */
  nextAttemptAt: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
}

/**
 * A receipt: the receiving party's signed statement that a statement arrived. Both directions are kept here: receipts
 * peers returned for the own statements (author = this party), and receipts this node issued (party = this party),
 * so that receiving the same statement twice returns the same receipt.
 */
export interface StoredReceipt {
  /** The statement acknowledged: its author and index. */
  author: string;
  index: number;
  /** The receiving party, which signed the receipt. */
  party: string;
  /** The receipt statement's index in the receiving party's log, its hash and canonical text. */
  receiptIndex: number;
  receiptHash: string;
  text: string;
  storedAt: string;
}

export type EvidenceKind = 'fork' | 'equivocation' | 'forged-statement' | 'bad-checkpoint' | 'gap' | 'invalid-statement';

export interface Evidence {
  id?: number;
  kind: EvidenceKind;
  /** The party accused. */
  party: string;
  /** The party that showed it to us (may be the accused itself). */
  reportedBy: string;
  summary: string;
  /** The material, as received: notes, statements, proofs (JSON-serializable). */
  material: unknown;
  storedAt: string;
}

export type Role = 'duty-officer' | 'approver' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['duty-officer', 'approver', 'auditor', 'admin'];

export interface ApiToken {
  /** Lowercase hex SHA-256 of the token: the token itself is never stored. */
  tokenHash: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** A write the store refused because it would break an invariant (e.g. a gap or a second statement at an index). */
export class StoreConflictError extends Error {
  constructor(readonly rule: string, message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** The writes of one transaction: everything in it is durable together or not at all. */
export interface StoreWrites {
  /** Statements to append; per author, in index order, each at exactly that author's current size. */
  statements?: StoredStatement[];
  checkpoints?: StoredCheckpoint[];
  cosignatures?: StoredCosignature[];
  receipts?: StoredReceipt[];
  evidence?: Evidence[];
  /** Replaces the witness record of that log. */
  witness?: WitnessRecord[];
  /** Replaces the delivery state of that peer. */
  deliveries?: DeliveryState[];
  settings?: Record<string, string>;
  /**
   * True when everything in this write can be had again from peers — their receipts, checkpoints and cosignatures,
   * and delivery bookkeeping (a lost acknowledgement only means a push again, answered with the same receipts).
   * Such a write must survive the node being killed at any instant, but not necessarily a power cut, so the
   * driver need not wait for the disk: SQLite commits it with synchronous = NORMAL (the WAL is written, not
   * fsynced; the next durable commit fsyncs it too), PostgreSQL with synchronous_commit off. Never for the
   * node's own statements, mirrored statements (the receipts signed for them), witness state or evidence.
   */
  refetchable?: boolean;
  /**
   * True to have write() resolve once the transaction is committed, before it is on the disk: the caller calls
   * flush() before it tells anyone of what it wrote (the own log writes its next group meanwhile). A commit is
   * visible to readers at once, so such a caller must not let what it wrote be read before the flush either.
   */
  flushLater?: boolean;
}

export interface Store {
  /** Creates or upgrades the schema. Safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Applies all writes in one transaction (durable when the promise resolves): when it throws, nothing of it was
   * written. StoreConflictError rules: 'log.gap' (an index beyond the author's size), 'log.index-taken' (an index
   * already stored, or twice in the write), 'statement.hash-taken' (a hash already stored, or twice in the write),
   * 'receipt.taken' (a different receipt already stored for that author, index and party; the same one is a no-op).
   * A checkpoint (log, size, root) or cosignature (log, size, witness) already stored is kept as first stored.
   */
  write(writes: StoreWrites): Promise<void>;

  /** Resolves once everything committed before the call is on the disk (at once where every commit already is). */
  flush(): Promise<void>;

  /** Number of statements stored for `author` (= the next index). */
  logSize(author: string): Promise<number>;
  /** Sizes of every log stored, by author. */
  logSizes(): Promise<Record<string, number>>;
  /** Leaf hashes (32 bytes each) of `author`'s log in index order: for rebuilding the Merkle tree at start. */
  leafHashes(author: string): Promise<Uint8Array[]>;
  /** Statements of `author` with from <= index < to, in index order. */
  statements(author: string, from: number, to: number): Promise<StoredStatement[]>;
  statement(author: string, index: number): Promise<StoredStatement | undefined>;
  statementByHash(hash: string): Promise<StoredStatement | undefined>;
  /** All statements of a case, or every statement when caseId is undefined, ordered by (time, author, index). */
  statementsOfCase(caseId?: string): Promise<StoredStatement[]>;
  /** Statements of the given types, ordered by (time, author, index). */
  statementsOfType(types: string[]): Promise<StoredStatement[]>;

  /** Latest (largest) checkpoint of `log` stored, whoever showed it (of two at that size, the first stored). */
  latestCheckpoint(log: string): Promise<StoredCheckpoint | undefined>;
  /** Every distinct checkpoint of `log` seen, ordered by (size, storedAt, root). */
  checkpoints(log: string): Promise<StoredCheckpoint[]>;
  /** Cosignatures on `log`'s checkpoints (optionally of one size), ordered by (size, witness). */
  cosignatures(log: string, size?: number): Promise<StoredCosignature[]>;

  witnessRecord(log: string): Promise<WitnessRecord | undefined>;

  /** Delivery states, ordered by peer. */
  deliveries(): Promise<DeliveryState[]>;
  delivery(peer: string): Promise<DeliveryState | undefined>;

  /** Receipts for statements of `author` (optionally only for one index), ordered by (index, party). */
  receipts(author: string, index?: number): Promise<StoredReceipt[]>;
  receipt(author: string, index: number, party: string): Promise<StoredReceipt | undefined>;

  /** All evidence, in the order it was stored (by id). */
  evidence(): Promise<Evidence[]>;

  /** Throws StoreConflictError('token.taken') when a token with that hash exists. */
  addToken(token: ApiToken): Promise<void>;
  tokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  /** Tokens, ordered by (createdAt, name). */
  tokens(): Promise<ApiToken[]>;

  setting(key: string): Promise<string | undefined>;

  /** The database this store runs on, from which feature stores (feature-store.ts) are opened. */
  readonly database: StoreDatabase;
}
