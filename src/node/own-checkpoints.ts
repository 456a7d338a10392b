/**
 * Checkpoints of the own log: after appends, the node signs one checkpoint of the new size and asks the witnesses to
 * cosign it. Each checkpoint costs a transaction here and a cosigning round trip with a transaction on both sides,
 * so under a steady stream of appends the node signs at most one per interval (default 200 ms) covering all of them.
 *
 * A due checkpoint also waits for the pushes to settle (settling.ts): until no push is under way either way and no
 * statement was appended, mirrored or delivered for `settleMs` (default 2 ms). Signed in the middle of a push, its
 * transaction and the witnesses' would hold up the push and its receipt, which is what someone is waiting for;
 * signed after it, it costs nobody anything. Under pushes that never settle it waits at most `maxDeferMs` (default
 * 1 s): every statement is still checkpointed, and so witnessed, within interval + maxDeferMs of its append.
 */
import { signCheckpoint } from '../protocol/checkpoint.js';
import { toHex } from '../protocol/encoding.js';
import type { NodeContext } from './node-context.js';
import { DEFAULT_SETTLE_MS, Settling } from './settling.js';

export interface OwnCheckpointsOptions {
  /** The least real time between two checkpoints signed because of appends (default 200 ms; 0: as soon as settled). */
  intervalMs?: number;
  /** Real ms without pushes or new statements before a due checkpoint is signed (default 2 ms; 0: the next turn). */
  settleMs?: number;
  /** The longest real time a due checkpoint waits for the pushes to settle (default 1 s). */
  maxDeferMs?: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 200;
export const DEFAULT_CHECKPOINT_MAX_DEFER_MS = 1000;

export class OwnCheckpoints {
  private scheduled: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSignedReal = -Infinity;
  private readonly intervalMs: number;
  private readonly settleMs: number;
  private readonly maxDeferMs: number;
  private readonly onAppended = (): void => void this.schedule();

  /**
   * `signed` is called after each new checkpoint is stored (the witnessing asks the peers to cosign it); `settling`
   * tells when the pushes have settled (the node's, started and stopped by it; without one, they always have).
   */
  constructor(
    private readonly ctx: NodeContext,
    private readonly signed: () => void,
    options: OwnCheckpointsOptions = {},
    private readonly settling: Settling = new Settling(ctx.events),
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.maxDeferMs = options.maxDeferMs ?? DEFAULT_CHECKPOINT_MAX_DEFER_MS;
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
    this.scheduled ??= this.whenDueAndSettled().then(async () => {
      this.scheduled = undefined;
      this.lastSignedReal = Date.now();
      await this.signNow();
    }).catch((e: unknown) => this.ctx.logger.error({ err: e }, 'could not sign a checkpoint of the own log'));
    return this.scheduled;
  }

  /**
   * Until the interval since the last checkpoint has passed and the pushes have settled (or waited long enough for
   * it), and at least the end of this turn of the event loop: a burst of appends in one turn gets one checkpoint.
   */
  private whenDueAndSettled(): Promise<void> {
    const firstWait = Math.max(this.settleMs, this.lastSignedReal + this.intervalMs - Date.now());
    const deadline = Math.max(Date.now(), this.lastSignedReal + this.intervalMs) + this.maxDeferMs;
    return new Promise<void>((resolve) => {
      const check = (): void => {
        this.timer = undefined;
        const now = Date.now();
        const due = this.lastSignedReal + this.intervalMs;
        if (now < due) return wait(due - now);
        const quietFor = this.settling.quietMs();
        if (now >= deadline || quietFor >= this.settleMs) return resolve();
        wait(Math.min(deadline - now, Math.max(1, this.settleMs - quietFor)));
      };
      const wait = (ms: number): void => {
        this.timer = setTimeout(check, ms);
      };
      if (firstWait <= 0) setImmediate(check);
      else wait(firstWait);
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
