/**
 * Witnessing, both ways, and the gossip that makes split views show. The node calls checkpointSigned() after each
 * own checkpoint (cosigning.ts asks every peer to cosign it); the federation routes call addCheckpoint() for peers'
 * requests (witness-service.ts) and latestCheckpoints() for gossip (gossip.ts); start()/stop() run the gossip timer.
 *
 * A checkpoint of a peer's log beyond this node's mirror of it is the normal case, not a sign of trouble: the peer
 * signs a checkpoint soon after its appends, and may hold its own receipts back a while before pushing them
 * (delivery.ts). So the mirror first waits MIRROR_GRACE_MS for the peer's push, and pulls (backfill) only what is
 * still missing then, up to the checkpoint's size. Pulling at once would race the push, and under a steady stream
 * chase the log's tail one statement at a time, each pull a transaction competing with the pushes.
 */
import { Cosigning, type CosigningOptions } from './cosigning.js';
import { DEFAULT_GOSSIP_INTERVAL_MS, Gossip } from './gossip.js';
import type { NodeContext } from './node-context.js';
import { SplitViewDetector } from './split-view.js';
import { WitnessService, type WitnessAnswer } from './witness-service.js';

export type { WitnessAnswer } from './witness-service.js';

/** How long a mirror behind a checkpoint waits for the log's own push before pulling (real ms). */
export const MIRROR_GRACE_MS = 1000;

export interface WitnessingOptions extends CosigningOptions {
  /** Real milliseconds between gossip rounds (default 30 s); the first round runs at start(). */
  gossipIntervalMs?: number;
  /**
   * Pulls a peer's statements that its checkpoints show and the mirror lacks, up to `wanted` statements (the core's
   * backfill(peer, wanted)). Without it, a witness cosigns checkpoints beyond its mirror unchecked against
   * statements, as C2SP witnesses do.
   */
  backfill?: (party: string, wanted: number) => Promise<unknown>;
  /** How long a lagging mirror waits for the peer's push before pulling (default MIRROR_GRACE_MS; 0: pull at once). */
  mirrorGraceMs?: number;
}

/** A mirror seen to lag behind a checkpoint of its log: the size it must reach, and the timer of its pull. */
interface Lag {
  wanted: number;
  timer?: NodeJS.Timeout;
}

export class Witnessing {
  private readonly cosigning: Cosigning;
  private readonly witness: WitnessService;
  private readonly gossip: Gossip;
  /** Mirrors seen behind a checkpoint, by party: at most one wait or pull each. */
  private readonly lagging = new Map<string, Lag>();
  private stopped = false;

  constructor(
    readonly ctx: NodeContext,
    private readonly options: WitnessingOptions = {},
  ) {
    const requestBackfill = (party: string, wanted: number): void => this.requestBackfill(party, wanted);
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
    this.stopped = false;
    this.gossip.start();
    this.cosigning.checkpointSigned();
  }

  /** Stops gossip and cosigning; a mirror still waiting for a push is left to the backfill at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const lag of this.lagging.values()) clearTimeout(lag.timer);
    this.lagging.clear();
    await Promise.all([this.gossip.stop(), this.cosigning.stop()]);
  }

  /**
   * `party`'s log has at least `wanted` statements (a checkpoint shows it): unless the mirror gets them by a push
   * within the grace, pull the rest. One wait or pull per party at a time; a later, larger checkpoint raises its aim.
   */
  private requestBackfill(party: string, wanted: number): void {
    if (!this.options.backfill || this.stopped || this.ctx.tree(party).size >= wanted) return;
    const lag = this.lagging.get(party);
    if (lag) {
      lag.wanted = Math.max(lag.wanted, wanted);
      return;
    }
    const fresh: Lag = { wanted };
    this.lagging.set(party, fresh);
    this.afterGrace(party, fresh);
  }

  private afterGrace(party: string, lag: Lag): void {
    const grace = this.options.mirrorGraceMs ?? MIRROR_GRACE_MS;
    if (grace <= 0) return this.pullIfBehind(party, lag);
    lag.timer = setTimeout(() => this.pullIfBehind(party, lag), grace);
    lag.timer.unref();
  }

  /** Pulls what the push did not bring; its failures are the puller's to report. Waits again if the aim rose meanwhile. */
  private pullIfBehind(party: string, lag: Lag): void {
    const backfill = this.options.backfill;
    if (!backfill || this.stopped || this.ctx.tree(party).size >= lag.wanted) {
      this.lagging.delete(party);
      return;
    }
    const wanted = lag.wanted;
    void backfill(party, wanted)
      .catch((e: unknown) => this.ctx.logger.warn({ peer: party, err: (e as Error).message }, 'backfill failed'))
      .finally(() => {
        if (!this.stopped && lag.wanted > wanted && this.ctx.tree(party).size < lag.wanted) this.afterGrace(party, lag);
        else this.lagging.delete(party);
      });
  }
}
