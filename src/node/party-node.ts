/**
 * The party node: one party's view of the agreement. It holds the own log and a verified mirror of every peer's log,
 * and runs the parts that keep them: the own log and its checkpoints, receiving, delivery, backfill and witnessing.
 * It builds the NodeContext those parts share, and implements NodeApi for the edges (user API, CLI, demo).
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Agreement } from '../protocol/agreement.js';
import type { CaseState } from '../protocol/case-fold.js';
import { formatVerifierKey, ED25519_TYPE } from '../protocol/note-key.js';
import type { SigningKey } from '../protocol/keys.js';
import type { HashedStatement } from '../protocol/statement.js';
import type { Evidence, Store, StoredStatement } from '../storage/store.js';
import { backfill, backfillsSettled } from './backfill.js';
import { CaseView } from './case-view.js';
import type { Clock } from './clock.js';
import { Delivery, initialDelivery, type DeliveryOptions } from './delivery.js';
import { LogTrees } from './log-trees.js';
import type { NodeApi, NodeEvents, PeerStatus, StatementDraft, StatementView } from './node-api.js';
import type { NodeContext, PeerTransport } from './node-context.js';
import { OwnCheckpoints, type OwnCheckpointsOptions } from './own-checkpoints.js';
import { OwnLog } from './own-log.js';
import { Receiving } from './receiving.js';
import { recoverOwnLog } from './own-log-recovery.js';
import { Sealing } from './sealing.js';
import { Settling } from './settling.js';
import { StatementCache } from './statement-cache.js';
import type { EncryptionKeyPair } from '../protocol/encryption-key.js';
import { hashedOf } from './stored-form.js';
import { Witnessing, type WitnessingOptions } from './witnessing.js';

export interface PartyNodeOptions {
  party: string;
  /** The agreement in force, already checked as signed by every party. */
  agreement: Agreement;
  signingKey: SigningKey;
  /** The party's X25519 key pairs, oldest first (DIR/encryption.key): without them, bodies sealed to it stay unread. */
  encryptionKeys?: readonly EncryptionKeyPair[];
  store: Store;
  clock: Clock;
  logger: Logger;
  /** One transport per other party of the agreement. */
  peers: ReadonlyMap<string, PeerTransport>;
  /** Gossip interval and cosigning retries (backfill is the node's own). */
  witnessing?: Omit<WitnessingOptions, 'backfill'>;
  /** How often the own log's checkpoint may be signed (default: at most once per 200 ms, once the pushes settled). */
  checkpoints?: OwnCheckpointsOptions;
  /** How long after a push own receipts alone may be pushed (default 100 ms, and then once the pushes settled). */
  delivery?: DeliveryOptions;
  /** How long start() waits for each peer's answer when asking for own statements the store lost (default 5 s). */
  recoveryWaitMs?: number;
  /** Threads that sign bursts of own statements (signing-pool.ts); 0 signs everything on the event loop. Default: one per core, at most four. */
  signingThreads?: number;
}

/** The node cannot run as configured (its key is not the one the agreement pins, a peer has no transport…). */
export class NodeConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeConfigurationError';
  }
}

/**
 * One writer at a time, in call order. Not reentrant: a function run by it must not call it again (it would wait
 * for itself). One node process per data directory, so an in-process lock is enough.
 */
function serialized(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

function checkOptions(o: PartyNodeOptions): void {
  const me = o.agreement.parties.find((p) => p.id === o.party);
  if (!me) throw new NodeConfigurationError(`"${o.party}" is not a party to agreement ${o.agreement.id}`);
  const vkey = formatVerifierKey(`${o.agreement.id}/${o.party}`, ED25519_TYPE, o.signingKey.publicKey.raw);
  if (vkey !== me.signingKey) throw new NodeConfigurationError(`the signing key is not the one agreement ${o.agreement.id} pins for ${o.party}`);
  for (const p of o.agreement.parties) {
    if (p.id !== o.party && !o.peers.has(p.id)) throw new NodeConfigurationError(`no transport to peer ${p.id}`);
  }
}

function buildContext(o: PartyNodeOptions, trees: LogTrees, statements: StatementCache, sealing: Sealing): NodeContext {
  const keys = new Map(o.agreement.parties.map((p) => [p.id, p.signingKey]));
  const peers = new Map([...o.peers].filter(([p]) => p !== o.party && keys.has(p)));
  return {
    party: o.party,
    agreement: o.agreement,
    signingKey: o.signingKey,
    keyName: `${o.agreement.id}/${o.party}`,
    vkeyOf: (party) => {
      const k = keys.get(party);
      if (k === undefined) throw new NodeConfigurationError(`"${party}" is not a party to the agreement`);
      return k;
    },
    clock: o.clock,
    store: o.store,
    events: new EventEmitter<NodeEvents>(),
    logger: o.logger,
    tree: (party) => trees.tree(party),
    statements,
    sealing,
    peers,
    exclusive: serialized(),
  };
}

export class PartyNode implements NodeApi {
  readonly receiving: Receiving;
  readonly witnessing: Witnessing;
  private readonly ownLog: OwnLog;
  private readonly checkpoints: OwnCheckpoints;
  private readonly delivery: Delivery;
  private readonly caseView: CaseView;
  /** When the pushes have settled: own checkpoints and receipt-only pushes wait for it. */
  private readonly settling: Settling;
  private started = false;

  private constructor(readonly ctx: NodeContext, private readonly options: PartyNodeOptions) {
    const witnessingOptions = options.witnessing ?? {};
    this.ownLog = new OwnLog(ctx, options.signingThreads);
    this.settling = new Settling(ctx.events);
    this.receiving = new Receiving(ctx, this.settling);
    this.witnessing = new Witnessing(ctx, { ...witnessingOptions, backfill: (party, wanted) => backfill(ctx, party, wanted) });
    this.delivery = new Delivery(ctx, options.delivery, this.settling);
    this.checkpoints = new OwnCheckpoints(ctx, () => this.witnessing.checkpointSigned(), options.checkpoints, this.settling);
    this.caseView = new CaseView(ctx.statements, ctx.agreement);
    // An alarm must never go unheard: EventEmitter throws on an 'error' event without listeners, and logs nothing.
    ctx.events.on('alarm', (e) => ctx.logger.warn({ kind: e.kind, party: e.party, reportedBy: e.reportedBy }, e.summary));
  }

  /** Migrates the store, rebuilds every log's Merkle tree and reads every statement from it. Call start() to begin talking to peers. */
  static async open(options: PartyNodeOptions): Promise<PartyNode> {
    checkOptions(options);
    await options.store.migrate();
    const trees = await LogTrees.load(options.store, options.agreement.parties.map((p) => p.id));
    const sealing = new Sealing(options.party, options.agreement, options.encryptionKeys ?? [], options.logger);
    const statements = await StatementCache.load(options.store, (h) => sealing.open(h));
    sealing.followRotationsIn(statements);
    return new PartyNode(buildContext(options, trees, statements, sealing), options);
  }

  get party(): string { return this.ctx.party; }
  get agreement(): Agreement { return this.ctx.agreement; }
  get clock(): Clock { return this.ctx.clock; }
  get store(): Store { return this.ctx.store; }
  get events(): EventEmitter<NodeEvents> { return this.ctx.events; }

  /**
   * Takes back own statements the store lost but peers hold (own-log-recovery.ts), then starts checkpointing,
   * delivery and witnessing, and pulls what peers said while this node was away.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await recoverOwnLog(this.ctx, this.options.recoveryWaitMs);
    this.settling.start();
    this.checkpoints.start();
    await this.delivery.start();
    this.witnessing.start();
    for (const peer of this.ctx.peers.keys()) {
      this.backfill(peer).catch((e: unknown) => this.ctx.logger.info({ peer, error: (e as Error).message }, 'backfill at start failed; the peer may be down'));
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.checkpoints.stop();
    await this.delivery.stop();
    await this.witnessing.stop();
    this.settling.stop();
    await backfillsSettled(this.ctx);
    await this.ctx.exclusive(async () => undefined); // let the last write finish
    await this.ownLog.close();
  }

  send(draft: StatementDraft): Promise<HashedStatement> {
    return this.ownLog.send(draft);
  }

  /** Pulls `peer`'s log (up to `wanted` statements, or all the peer has). Resolves with the mirror's size. */
  backfill(peer: string, wanted?: number): Promise<number> {
    return backfill(this.ctx, peer, wanted);
  }

  /** Signs a checkpoint covering the whole own log now, if the latest one does not (e.g. before an export). */
  checkpointNow(): Promise<void> {
    return this.checkpoints.signNow();
  }

  async cases(): Promise<CaseState[]> {
    return this.caseView.all(this.ctx.clock.nowIso());
  }

  async caseById(id: string): Promise<CaseState | undefined> {
    return this.caseView.byId(id, this.ctx.clock.nowIso());
  }

  async statementsOfType(types: string[]): Promise<HashedStatement[]> {
    return this.ctx.statements.ofTypes(types);
  }

  async statement(author: string, index: number): Promise<StatementView | undefined> {
    const stored = await this.ctx.store.statement(author, index);
    return stored && this.view(stored);
  }

  async statementByHash(hash: string): Promise<StatementView | undefined> {
    const stored = await this.ctx.store.statementByHash(hash);
    return stored && this.view(stored);
  }

  private async view(stored: StoredStatement): Promise<StatementView> {
    const cosignatures = await this.ctx.store.cosignatures(stored.author);
    const cosignedBy = [...new Set(cosignatures.filter((c) => c.size > stored.index).map((c) => c.witness))].sort();
    // The cache holds the statement opened (when it opens for this party); the store holds only its sealed form.
    const statement = this.ctx.statements.byHashOf(stored.hash) ?? (await this.ctx.sealing.open(hashedOf(stored)));
    return { stored, statement, receipts: await this.ctx.store.receipts(stored.author, stored.index), cosignedBy };
  }

  async peers(): Promise<PeerStatus[]> {
    const evidence = await this.ctx.store.evidence();
    const own = await this.ctx.store.latestCheckpoint(this.ctx.party);
    const ownCosigners = own ? [...new Set((await this.ctx.store.cosignatures(this.ctx.party, own.size)).map((c) => c.witness))].sort() : [];
    const ownSize = this.ctx.tree(this.ctx.party).size;
    return Promise.all([...this.ctx.peers.keys()].map((peer) => this.peerStatus(peer, ownSize, ownCosigners, evidence)));
  }

  private async peerStatus(peer: string, ownSize: number, ownCosigners: string[], evidence: Evidence[]): Promise<PeerStatus> {
    const d = this.delivery.state(peer) ?? (await this.ctx.store.delivery(peer)) ?? initialDelivery(peer);
    const mirrorSize = this.ctx.tree(peer).size;
    const checkpointSize = Math.max(mirrorSize, (await this.ctx.store.latestCheckpoint(peer))?.size ?? 0);
    const alarms = evidence.filter((e) => e.party === peer).map((e) => `${e.kind}: ${e.summary}`);
    return {
      party: peer,
      node: this.ctx.agreement.parties.find((p) => p.id === peer)?.node ?? '',
      reachable: d.attempts === 0 && d.lastSuccessAt !== null,
      lastContactAt: d.lastSuccessAt,
      pendingDeliveries: Math.max(0, ownSize - d.ackedSize),
      deliveryAttempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      lastError: d.lastError,
      mirrorSize,
      checkpointSize,
      lag: checkpointSize - mirrorSize,
      witnessedSize: (await this.ctx.store.witnessRecord(peer))?.size ?? 0,
      cosignedOwnCheckpointBy: ownCosigners,
      verification: alarms.length > 0 ? 'alarm' : 'verified',
      alarms,
    };
  }

  evidence(): Promise<Evidence[]> {
    return this.ctx.store.evidence();
  }
}
