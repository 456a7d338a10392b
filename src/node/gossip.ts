/**
 * Checkpoint gossip: every node serves the latest checkpoint it holds of every log, with the cosignatures it has, and
 * periodically reads every peer's view. A log that shows one history to A and another to B cannot hide it: A sees
 * B's view of the log, B sees A's, and each holds one side signed by the log (split-view.ts compares them).
 */
import { ProtocolError } from '../protocol/errors.js';
import { verifyCosignature } from '../protocol/cosignature.js';
import { parseNote } from '../protocol/signed-note.js';
import { CHECKPOINTS_PATH } from '../federation/paths.js';
import type { NodeContext } from './node-context.js';
import type { SplitViewDetector } from './split-view.js';

export const DEFAULT_GOSSIP_INTERVAL_MS = 30_000;

/** A peer's answer to GET CHECKPOINTS_PATH that is not `{checkpoints: {party: note}}`. */
export class GossipFormatError extends Error {
  constructor(
    readonly peer: string,
    message: string,
  ) {
    super(`checkpoints view of ${peer}: ${message}`);
    this.name = 'GossipFormatError';
  }
}

/** The body of GET CHECKPOINTS_PATH. */
export interface CheckpointsView {
  checkpoints: Record<string, string>;
}

function parseView(peer: string, text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GossipFormatError(peer, 'not JSON');
  }
  const checkpoints = (value as Partial<CheckpointsView> | null)?.checkpoints;
  if (typeof checkpoints !== 'object' || checkpoints === null || Array.isArray(checkpoints)) {
    throw new GossipFormatError(peer, 'no "checkpoints" object');
  }
  for (const [party, note] of Object.entries(checkpoints)) {
    if (typeof note !== 'string') throw new GossipFormatError(peer, `the checkpoint of "${party}" is not a string`);
  }
  return checkpoints as Record<string, string>;
}

export class Gossip {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private running = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly detector: SplitViewDetector,
    private readonly intervalMs = DEFAULT_GOSSIP_INTERVAL_MS,
  ) {}

  /**
   * The latest checkpoint of every log this node holds, with every cosignature line it holds of that checkpoint.
   * Each line is checked against the note text first: a line that does not verify would make the whole note fail
   * to open for anyone who knows that witness's key.
   */
  async latestCheckpoints(): Promise<Record<string, string>> {
    const { ctx } = this;
    const view: Record<string, string> = {};
    for (const { id: log } of ctx.agreement.parties) {
      const latest = await ctx.store.latestCheckpoint(log);
      if (!latest) continue;
      const text = parseNote(latest.note).text;
      const lines = new Set<string>();
      for (const c of await ctx.store.cosignatures(log, latest.size)) {
        try {
          verifyCosignature(text, c.line, ctx.vkeyOf(c.witness));
          lines.add(c.line);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
        }
      }
      view[log] = latest.note + [...lines].map((l) => `${l}\n`).join('');
    }
    return view;
  }

  /** Reads every peer's view now, and then every interval, until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      this.current = this.round().finally(() => {
        this.current = undefined;
        if (!this.running) return;
        this.timer = setTimeout(tick, this.intervalMs);
        this.timer.unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  /** One round: every peer's view, compared entry by entry; then the mirrors against the checkpoints they now cover. */
  async round(): Promise<void> {
    const { ctx } = this;
    await Promise.all([...ctx.peers.keys()].map((peer) => this.readView(peer)));
    for (const peer of ctx.peers.keys()) await this.detector.auditMirror(peer);
  }

  private async readView(peer: string): Promise<void> {
    const { ctx } = this;
    try {
      const res = await ctx.peers.get(peer)!.request({ method: 'GET', path: CHECKPOINTS_PATH, accept: 'application/json' });
      if (res.status !== 200) throw new GossipFormatError(peer, `status ${res.status}`);
      for (const [log, note] of Object.entries(parseView(peer, res.text))) await this.detector.examine(peer, log, note);
    } catch (e) {
      ctx.logger.warn({ peer, err: (e as Error).message }, 'gossip: could not read the checkpoints view');
    }
  }
}
