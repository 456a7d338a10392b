/**
 * Checkpoints of the own log: after appends, the node signs one checkpoint of the new size and asks the witnesses to
 * cosign it. A burst of appends (a batch of receipts, a busy duty officer) gets one checkpoint, not one each:
 * signing waits for the current turn of the event loop to finish appending.
 */
import { signCheckpoint } from '../protocol/checkpoint.js';
import { toHex } from '../protocol/encoding.js';
import type { NodeContext } from './node-context.js';

export class OwnCheckpoints {
  private scheduled: Promise<void> | undefined;
  private readonly onAppended = (): void => void this.schedule();

  /** `signed` is called after each new checkpoint is stored (the witnessing asks the peers to cosign it). */
  constructor(private readonly ctx: NodeContext, private readonly signed: () => void) {}

  start(): void {
    this.ctx.events.on('appended', this.onAppended);
    void this.schedule(); // a crash between an append and its checkpoint leaves the log uncovered
  }

  /** Stops listening, and lets a checkpoint already scheduled be written (the store closes after the node stops). */
  async stop(): Promise<void> {
    this.ctx.events.off('appended', this.onAppended);
    await this.scheduled;
  }

  /** Signs a checkpoint of the own log's size soon (once for all the appends until then). */
  schedule(): Promise<void> {
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.scheduled = undefined;
      await this.signNow();
    }).catch((e: unknown) => this.ctx.logger.error({ err: e }, 'could not sign a checkpoint of the own log'));
    return this.scheduled;
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
