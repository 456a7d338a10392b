/**
 * Checkpoints of the own log: after appends, the node signs one checkpoint of the new size and asks the witnesses to
 * cosign it. Each checkpoint costs a transaction here and a cosigning round trip with a transaction on both sides,
 * so under a steady stream of appends the node signs at most one per interval (default 200 ms) covering all of them;
 * after a quiet spell longer than the interval, the first append is checkpointed at once (in the next turn of the
 * event loop, so that a burst of appends in one turn still gets one checkpoint).
 */
import { signCheckpoint } from '../protocol/checkpoint.js';
import { toHex } from '../protocol/encoding.js';
import type { NodeContext } from './node-context.js';

export interface OwnCheckpointsOptions {
  /** The least real time between two checkpoints signed because of appends (default 200 ms; 0: after every turn). */
  intervalMs?: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 200;

export class OwnCheckpoints {
  private scheduled: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSignedReal = -Infinity;
  private readonly intervalMs: number;
  private readonly onAppended = (): void => void this.schedule();

  /** `signed` is called after each new checkpoint is stored (the witnessing asks the peers to cosign it). */
  constructor(private readonly ctx: NodeContext, private readonly signed: () => void, options: OwnCheckpointsOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  }

  start(): void {
    this.ctx.events.on('appended', this.onAppended);
    void this.schedule(); // a crash between an append and its checkpoint leaves the log uncovered
  }

  /** Stops listening, and signs a checkpoint already scheduled now (the store closes after the node stops). */
  async stop(): Promise<void> {
    this.ctx.events.off('appended', this.onAppended);
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.scheduled = undefined;
      await this.signNow().catch((e: unknown) => this.ctx.logger.error({ err: e }, 'could not sign a checkpoint of the own log'));
    }
    await this.scheduled;
  }

  /** Signs a checkpoint of the own log's size soon (once for all the appends until then). */
  schedule(): Promise<void> {
    this.scheduled ??= this.waitTurn().then(async () => {
      this.scheduled = undefined;
      this.lastSignedReal = Date.now();
      await this.signNow();
    }).catch((e: unknown) => this.ctx.logger.error({ err: e }, 'could not sign a checkpoint of the own log'));
    return this.scheduled;
  }

  /** Until the interval since the last checkpoint has passed, and at least the end of this turn of the event loop. */
  private waitTurn(): Promise<void> {
    const wait = this.lastSignedReal + this.intervalMs - Date.now();
    if (wait <= 0) return new Promise<void>((resolve) => setImmediate(resolve));
    return new Promise<void>((resolve) => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        resolve();
      }, wait);
    });
  }

  /** Makes sure the latest stored checkpoint covers the whole own log (e.g. before an export). */
  async signNow(): Promise<void> {
    const stored = await this.ctx.exclusive(async () => {
      const tree = this.ctx.tree(this.ctx.party);
      const size = tree.size;
      const latest = await this.ctx.store.latestCheckpoint(this.ctx.party);
      if (size === 0 || (latest !== undefined && latest.size >= size)) return false;
      const root = tree.root(size);
      const note = signCheckpoint({ origin: this.ctx.keyName, size, root, extensions: [] }, this.ctx.signingKey, this.ctx.keyName);
      const storedAt = this.ctx.clock.nowIso();
      await this.ctx.store.write({ checkpoints: [{ log: this.ctx.party, size, root: toHex(root), note, seenFrom: this.ctx.party, storedAt }] });
      return true;
    });
    if (stored) this.signed();
  }
}
