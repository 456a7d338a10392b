/**
 * The client side of witnessing: each peer is asked to cosign the own log's latest checkpoint (C2SP tlog-witness
 * add-checkpoint), with a consistency proof from the size that peer last cosigned. Only the latest checkpoint
 * matters — a cosignature of it vouches for every smaller one — so requests are coalesced: one loop per peer, never
 * two requests in flight to one peer, and a checkpoint signed meanwhile is sent when the current request ends.
 */
import { ProtocolError } from '../protocol/errors.js';
import { verifyCosignature } from '../protocol/cosignature.js';
import { parseNote } from '../protocol/signed-note.js';
import { formatAddCheckpointRequest } from '../protocol/witness.js';
import { ADD_CHECKPOINT_PATH } from '../federation/paths.js';
import type { StoredCheckpoint } from '../storage/store.js';
import { retryDelayMs } from './backoff.js';
import type { NodeContext, PeerResponse } from './node-context.js';
import { TLOG_SIZE_TYPE } from './witness-service.js';

/** A witness did not cosign (unreachable, refused, or answered something that is not its cosignature). */
export class CosigningError extends Error {
  constructor(
    readonly witness: string,
    message: string,
  ) {
    super(`cosigning by ${witness}: ${message}`);
    this.name = 'CosigningError';
  }
}

export interface CosigningOptions {
  /** Real milliseconds to wait after `attempts` consecutive failures (default: backoff.ts, 250 ms doubling to 60 s). */
  retryDelayMs?: (attempts: number) => number;
}

interface WitnessLoop {
  running?: Promise<void>;
  /** A newer checkpoint was signed while a request was in flight. */
  again: boolean;
  failures: number;
  retry?: NodeJS.Timeout;
}

/** The size a 409 answer names (C2SP: a `text/x.tlog.size` body of one decimal line), if it is one. */
function witnessedSize(res: PeerResponse): number | undefined {
  const type = res.headers['content-type'];
  const typeText = Array.isArray(type) ? type[0] : type;
  if (!typeText?.startsWith(TLOG_SIZE_TYPE)) return undefined;
  const m = /^(0|[1-9][0-9]*)\n?$/.exec(res.text);
  return m ? Number(m[1]) : undefined;
}

export class Cosigning {
  private readonly loops = new Map<string, WitnessLoop>();
  private stopped = false;
  private readonly delay: (attempts: number) => number;

  constructor(
    private readonly ctx: NodeContext,
    options: CosigningOptions = {},
  ) {
    this.delay = options.retryDelayMs ?? ((attempts) => retryDelayMs(attempts));
  }

  /** A new own checkpoint was stored: offer it to every peer (after any backoff already running for that peer). */
  checkpointSigned(): void {
    for (const witness of this.ctx.peers.keys()) this.wake(witness);
  }

  /** Resolves when no request is in flight (retries waiting on a timer do not count). */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.loops.values()].flatMap((l) => (l.running ? [l.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const loop of this.loops.values()) clearTimeout(loop.retry);
    await this.settled();
  }

  private loop(witness: string): WitnessLoop {
    let loop = this.loops.get(witness);
    if (!loop) this.loops.set(witness, (loop = { again: false, failures: 0 }));
    return loop;
  }

  private wake(witness: string): void {
    if (this.stopped) return;
    const loop = this.loop(witness);
    if (loop.running) loop.again = true;
    else if (!loop.retry) loop.running = this.run(witness, loop);
  }

  private async run(witness: string, loop: WitnessLoop): Promise<void> {
    try {
      do {
        loop.again = false;
        await this.offer(witness);
        loop.failures = 0;
      } while (loop.again && !this.stopped);
    } catch (e) {
      loop.failures++;
      const wait = this.delay(loop.failures);
      this.ctx.logger.warn({ peer: witness, failures: loop.failures, retryInMs: wait }, (e as Error).message);
      if (!this.stopped) {
        loop.retry = setTimeout(() => {
          loop.retry = undefined;
          this.wake(witness);
        }, wait);
        loop.retry.unref();
      }
    } finally {
      loop.running = undefined;
    }
  }

  /** The largest own-log size this witness has cosigned, as far as this node kept its cosignatures. */
  private async lastCosigned(witness: string): Promise<number> {
    const mine = (await this.ctx.store.cosignatures(this.ctx.party)).filter((c) => c.witness === witness);
    return mine.reduce((max, c) => Math.max(max, c.size), 0);
  }

  /** One offer of the latest own checkpoint to `witness`; throws CosigningError when it was not cosigned. */
  private async offer(witness: string): Promise<void> {
    const { ctx } = this;
    const latest = await ctx.store.latestCheckpoint(ctx.party);
    if (!latest) return;
    const oldSize = await this.lastCosigned(witness);
    if (oldSize >= latest.size) return;
    let res = await this.post(witness, oldSize, latest);
    if (res.status === 409) {
      // The witness remembers another size than we do (our store lost a cosignature, or it lost state): say that one.
      const size = witnessedSize(res);
      if (size === undefined) throw new CosigningError(witness, `409 without a size: ${res.text.slice(0, 200)}`);
      if (size > latest.size) throw new CosigningError(witness, `it claims to have cosigned size ${size}, beyond the own checkpoint of size ${latest.size}`);
      res = await this.post(witness, size, latest);
    }
    if (res.status !== 200) throw new CosigningError(witness, `refused with ${res.status}: ${res.text.slice(0, 200)}`);
    const line = this.cosignatureIn(witness, latest, res.text);
    const stored = await ctx.exclusive(async () => {
      const have = (await ctx.store.cosignatures(ctx.party, latest.size)).some((c) => c.witness === witness);
      // Refetchable: a cosignature lost to a power cut is made good by the witness's cosignature of the next checkpoint.
      if (!have) await ctx.store.write({ cosignatures: [{ log: ctx.party, size: latest.size, witness, line }], refetchable: true });
      return !have;
    });
    if (stored) ctx.events.emit('cosigned', witness, latest.size);
  }

  private async post(witness: string, oldSize: number, latest: StoredCheckpoint): Promise<PeerResponse> {
    const transport = this.ctx.peers.get(witness);
    if (!transport) throw new CosigningError(witness, 'no transport to this peer');
    let body: string;
    try {
      const proof = this.ctx.tree(this.ctx.party).consistencyProof(oldSize, latest.size);
      body = formatAddCheckpointRequest({ oldSize, proof, note: latest.note });
    } catch (e) {
      if (e instanceof ProtocolError) throw new CosigningError(witness, `cannot prove size ${latest.size} from size ${oldSize}: ${e.message}`);
      throw e;
    }
    try {
      return await transport.request({ method: 'POST', path: ADD_CHECKPOINT_PATH, body, contentType: 'text/plain; charset=utf-8', accept: 'text/plain' });
    } catch (e) {
      throw new CosigningError(witness, `unreachable: ${(e as Error).message}`);
    }
  }

  /** The line of the answer that is the witness's valid cosignature of this checkpoint (C2SP allows several lines). */
  private cosignatureIn(witness: string, latest: StoredCheckpoint, answer: string): string {
    const text = parseNote(latest.note).text;
    const vkey = this.ctx.vkeyOf(witness);
    const lines = answer.split('\n').filter((l) => l.length > 0);
    for (const line of lines) {
      try {
        verifyCosignature(text, line, vkey);
        return line;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }
    throw new CosigningError(witness, `no line of its answer is its cosignature of size ${latest.size}`);
  }
}
