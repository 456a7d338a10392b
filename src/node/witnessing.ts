/**
 * Witnessing, both ways, and the gossip that makes split views show. The node calls checkpointSigned() after each
 * own checkpoint (cosigning.ts asks every peer to cosign it); the federation routes call addCheckpoint() for peers'
 * requests (witness-service.ts) and latestCheckpoints() for gossip (gossip.ts); start()/stop() run the gossip timer.
 */
import { Cosigning, type CosigningOptions } from './cosigning.js';
import { DEFAULT_GOSSIP_INTERVAL_MS, Gossip } from './gossip.js';
import type { NodeContext } from './node-context.js';
import { SplitViewDetector } from './split-view.js';
import { WitnessService, type WitnessAnswer } from './witness-service.js';

export type { WitnessAnswer } from './witness-service.js';

export interface WitnessingOptions extends CosigningOptions {
  /** Real milliseconds between gossip rounds (default 30 s); the first round runs at start(). */
  gossipIntervalMs?: number;
  /**
   * Pulls a peer's statements that its checkpoints show and the mirror lacks (the core's backfill(peer)). Without
   * it, a witness cosigns checkpoints beyond its mirror unchecked against statements, as C2SP witnesses do.
   */
  backfill?: (party: string) => Promise<unknown>;
}

export class Witnessing {
  private readonly cosigning: Cosigning;
  private readonly witness: WitnessService;
  private readonly gossip: Gossip;
  private readonly backfilling = new Set<string>();

  constructor(
    readonly ctx: NodeContext,
    private readonly options: WitnessingOptions = {},
  ) {
    const requestBackfill = (party: string): void => this.requestBackfill(party);
    this.cosigning = new Cosigning(ctx, options);
    this.witness = new WitnessService(ctx, requestBackfill);
    this.gossip = new Gossip(ctx, new SplitViewDetector(ctx, requestBackfill), options.gossipIntervalMs ?? DEFAULT_GOSSIP_INTERVAL_MS);
  }

  /** Called by the node after it stored a new checkpoint of its own log: ask every peer to cosign it. */
  checkpointSigned(): void {
    this.cosigning.checkpointSigned();
  }

  /** The witness side of C2SP add-checkpoint, for a request from `caller` (the party of the pinned certificate). */
  addCheckpoint(caller: string, body: string): Promise<WitnessAnswer> {
    return this.witness.addCheckpoint(caller, body);
  }

  /** Gossip: the latest checkpoint (with cosignatures) of every log this node holds, by party. */
  latestCheckpoints(): Promise<Record<string, string>> {
    return this.gossip.latestCheckpoints();
  }

  /** One gossip round now (the timer runs them too): for tests, the demo, and an operator's "check now". */
  gossipNow(): Promise<void> {
    return this.gossip.round();
  }

  /** Resolves when no cosigning request is in flight: for tests and orderly shutdown. */
  settled(): Promise<void> {
    return this.cosigning.settled();
  }

  /** Starts gossip, and offers the latest own checkpoint again: a restart may have cut the last offers short. */
  start(): void {
    this.gossip.start();
    this.cosigning.checkpointSigned();
  }

  async stop(): Promise<void> {
    await Promise.all([this.gossip.stop(), this.cosigning.stop()]);
  }

  /** At most one backfill of a party at a time; its failures are the puller's to report. */
  private requestBackfill(party: string): void {
    const backfill = this.options.backfill;
    if (!backfill || this.backfilling.has(party)) return;
    this.backfilling.add(party);
    void backfill(party)
      .catch((e: unknown) => this.ctx.logger.warn({ peer: party, err: (e as Error).message }, 'backfill failed'))
      .finally(() => this.backfilling.delete(party));
  }
}
