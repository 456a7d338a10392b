/**
 * Delivery of the own log to every peer. The own log is the outbox: each peer has acknowledged a prefix of it
 * (DeliveryState.ackedSize), and one loop per peer pushes the rest, MAX_BATCH at a time, storing the receipts the
 * peer returns together with the new acknowledged size. Every statement goes to every peer — all parties mirror and
 * witness all logs — while only addressees answer with receipts.
 *
 * A failed push is retried with backoff (backoff.ts); the time of the next attempt is stored, so a restarted node
 * resumes where it was instead of hammering a peer that is down. Appends wake the loops; a push from a peer shows
 * it is back, and ends its backoff early.
 *
 * Own receipts alone are not pushed at once: the party they acknowledge already holds each one (it came back in the
 * answer to its push). A push of receipts alone goes at most once per RECEIPT_DELAY_MS (configurable) after the last
 * push to that peer, so that a busy node sends several in one push instead of answering every statement it receives
 * with a push of its receipt — a transaction on each side per statement — and then only once the pushes have
 * settled (settling.ts), between the exchanges someone is waiting for rather than in the middle of one: on a timer
 * alone it would fall, at a steady rate, right on the peer's next push. Anything else to deliver takes the waiting
 * receipts along at once.
 */
import { MAX_BATCH, pushPath } from '../federation/paths.js';
import type { HashedStatement } from '../protocol/statement.js';
import type { DeliveryState, StoredReceipt } from '../storage/store.js';
import { retryDelayMs } from './backoff.js';
import type { NodeContext, PeerResponse, PeerTransport } from './node-context.js';
import { keyHistory } from './peer-keys.js';
import { BadReceiptError, checkReturnedReceipt, noteCheckedReceipt, receiptRecord } from './receipts.js';
import { realDelayUntil } from './clock.js';
import { DEFAULT_SETTLE_MS, Settling } from './settling.js';
import { statementsJson } from './stored-form.js';
import { fromUtf8 } from '../protocol/encoding.js';

/** The least time between a push and the next push of own receipts alone (real ms). */
export const RECEIPT_DELAY_MS = 100;
/** The longest own receipts wait for the pushes to settle once RECEIPT_DELAY_MS has passed (real ms). */
export const RECEIPT_MAX_SETTLE_WAIT_MS = 1000;

export interface DeliveryOptions {
  /** Default RECEIPT_DELAY_MS; 0 pushes receipts at once like any other statement. */
  receiptDelayMs?: number;
}

/** A push the peer did not accept, or answered with something this node cannot use. */
export class DeliveryError extends Error {
  constructor(readonly peer: string, message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export function initialDelivery(peer: string): DeliveryState {
  return { peer, ackedSize: 0, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: null };
}

function jsonOf(res: PeerResponse, peer: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(res.text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: the same answer as any other body that is not an object
  }
  throw new DeliveryError(peer, `${peer} answered ${res.status} with a body that is not a JSON object`);
}

/** The delivery loop to one peer. */
class PeerDelivery {
  private busy: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the receipts now pending (and nothing else) were first seen waiting. */
  private receiptsWaitingSince: number | undefined;
  /** When the last push to this peer started (real ms); the loop's start counts as one. */
  private lastPushAt = Date.now();

  constructor(
    private readonly ctx: NodeContext,
    private readonly transport: PeerTransport,
    public state: DeliveryState,
    private readonly receiptDelayMs: number,
    private readonly settling: Settling,
  ) {}

  private get peer(): string {
    return this.transport.party;
  }

  /** Runs the loop now, or once more after the current attempt. */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.run()
      .catch((e: unknown) => this.ctx.logger.error({ err: e, peer: this.peer }, 'delivery loop failed'))
      .finally(() => {
        this.busy = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** The peer showed it is reachable (it pushed to us): retry now rather than at the end of the backoff. */
  peerIsBack(): void {
    if (this.state.attempts === 0) return;
    this.state = { ...this.state, nextAttemptAt: null };
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
  }

  private async run(): Promise<void> {
    for (;;) {
      this.again = false;
      if (this.stopped) return;
      const ownSize = this.ctx.tree(this.ctx.party).size;
      if (this.state.ackedSize >= ownSize) return;
      const due = this.state.nextAttemptAt === null ? 0 : Date.parse(this.state.nextAttemptAt);
      if (due > this.ctx.clock.nowMs()) return this.retryAt(due);
      const holdMs = this.receiptHoldMs(ownSize);
      if (holdMs > 0) return this.wakeIn(holdMs);
      if (!(await this.attempt(ownSize))) return this.retryAt(Date.parse(this.state.nextAttemptAt!));
    }
  }

  private retryAt(dueMs: number): void {
    this.wakeIn(realDelayUntil(this.ctx.clock, dueMs));
  }

  private wakeIn(realMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), realMs);
    this.timer.unref();
  }

  /**
   * How much longer the pending statements may wait: > 0 only while they are all own receipts, until RECEIPT_DELAY_MS
   * after the last push and then until the pushes settle (at most RECEIPT_MAX_SETTLE_WAIT_MS more).
   */
  private receiptHoldMs(ownSize: number): number {
    if (this.receiptDelayMs <= 0) return 0;
    for (let i = this.state.ackedSize; i < ownSize; i++) {
      if (this.ctx.statements.at(this.ctx.party, i)?.statement.type !== 'receipt') {
        this.receiptsWaitingSince = undefined;
        return 0;
      }
    }
    const now = Date.now();
    const since = (this.receiptsWaitingSince ??= now);
    const due = this.lastPushAt + this.receiptDelayMs;
    if (now < due) return due - now;
    const quiet = this.settling.quietMs();
    if (quiet >= DEFAULT_SETTLE_MS || now >= Math.max(due, since) + RECEIPT_MAX_SETTLE_WAIT_MS) {
      this.receiptsWaitingSince = undefined;
      return 0;
    }
    return Math.max(1, DEFAULT_SETTLE_MS - quiet);
  }

  /** One push; true when the peer acknowledged something. */
  private async attempt(ownSize: number): Promise<boolean> {
    this.lastPushAt = Date.now();
    return this.settling.during(() => this.push(ownSize));
  }

  private async push(ownSize: number): Promise<boolean> {
    const from = this.state.ackedSize;
    const to = Math.min(ownSize, from + MAX_BATCH);
    try {
      const texts = this.pendingTexts(from, to);
      const res = await this.transport.request({
        method: 'POST', path: pushPath(this.ctx.party), body: `{"statements":${statementsJson(texts)}}`,
        contentType: 'application/json', accept: 'application/json',
      });
      const body = jsonOf(res, this.peer);
      if (res.status === 200) await this.acknowledged(body, from, ownSize);
      else if (res.status === 409 && body.error === 'log.gap') await this.resumeFrom(body.expected, ownSize);
      else throw new DeliveryError(this.peer, `${this.peer} refused the push: ${res.status} ${String(body.error)}: ${String(body.message)}`);
      return true;
    } catch (e) {
      await this.failed(e);
      return false;
    }
  }

  /** The canonical texts of own statements [from, to), from memory (the store holds the same bytes). */
  private pendingTexts(from: number, to: number): string[] {
    const texts: string[] = [];
    for (let i = from; i < to; i++) texts.push(fromUtf8(this.ctx.statements.at(this.ctx.party, i)!.leaf));
    return texts;
  }

  private async acknowledged(body: Record<string, unknown>, from: number, ownSize: number): Promise<void> {
    const size = body.size;
    // Beyond what was pushed, up to the log's size now: the peer may have pulled statements appended during the push.
    const nowSize = Math.max(ownSize, this.ctx.tree(this.ctx.party).size);
    if (!Number.isSafeInteger(size) || (size as number) <= from || (size as number) > nowSize) {
      throw new DeliveryError(this.peer, `${this.peer} acknowledged size ${String(size)} after a push from ${from} (own log: ${nowSize})`);
    }
    const receipts = await this.checkedReceipts(body.receipts);
    await this.ctx.exclusive(async () => {
      const known = await Promise.all(receipts.map((r) => this.ctx.store.receipt(r.author, r.index, r.party)));
      const state = this.succeeded(size as number);
      // Refetchable: were they lost to a power cut, the next push is answered with the same receipts.
      await this.ctx.store.write({ receipts: receipts.filter((_, i) => known[i] === undefined), deliveries: [state], refetchable: true });
      this.state = state;
    });
    this.ctx.events.emit('delivered', this.peer, size as number);
  }

  /** The receipts that hold; one that does not is logged and left out (the peer's log will show what it signed). */
  private async checkedReceipts(value: unknown): Promise<StoredReceipt[]> {
    if (!Array.isArray(value)) throw new DeliveryError(this.peer, `${this.peer} answered a push without a receipts list`);
    const keys = keyHistory(this.ctx.statements, this.ctx.agreement, this.peer);
    const now = this.ctx.clock.nowIso();
    const ok: HashedStatement[] = [];
    for (const r of value) {
      try {
        const h = checkReturnedReceipt(r, this.peer, keys, this.ctx.agreement, this.ctx.party, this.ctx.tree(this.ctx.party));
        noteCheckedReceipt(this.ctx, h.hash, keys.vkeyAt(h.statement.index));
        ok.push(h);
      } catch (e) {
        if (!(e instanceof BadReceiptError)) throw e;
        this.ctx.logger.warn({ peer: this.peer, problem: e.message }, 'ignored a receipt that does not hold');
      }
    }
    // One receipt per statement: a second one for the same statement (a peer that lost its log) adds nothing.
    const byIndex = new Map(ok.reverse().map((h) => [h.statement.refs[0]!.index, h]));
    return [...byIndex.values()].reverse().map((h) => receiptRecord(h, now));
  }

  /** A gap answer: the peer holds `expected` statements of the own log; continue from there. */
  private async resumeFrom(expected: unknown, ownSize: number): Promise<void> {
    if (!Number.isSafeInteger(expected) || (expected as number) < 0 || (expected as number) > ownSize || expected === this.state.ackedSize) {
      throw new DeliveryError(this.peer, `${this.peer} answered log.gap expecting ${String(expected)} (own log: ${ownSize}, pushed from ${this.state.ackedSize})`);
    }
    const state = this.succeeded(expected as number);
    await this.ctx.store.write({ deliveries: [state], refetchable: true });
    this.state = state;
  }

  private succeeded(ackedSize: number): DeliveryState {
    return { peer: this.peer, ackedSize, attempts: 0, nextAttemptAt: null, lastError: null, lastSuccessAt: this.ctx.clock.nowIso() };
  }

  private async failed(e: unknown): Promise<void> {
    const attempts = this.state.attempts + 1;
    const delayMs = retryDelayMs(attempts) * this.ctx.clock.speed;
    const error = e instanceof Error ? e.message : String(e);
    const state: DeliveryState = { ...this.state, attempts, nextAttemptAt: new Date(this.ctx.clock.nowMs() + delayMs).toISOString(), lastError: error };
    this.state = state;
    try {
      await this.ctx.store.write({ deliveries: [state], refetchable: true });
    } catch (writeError) {
      this.ctx.logger.error({ err: writeError, peer: this.peer }, 'could not store the delivery state');
    }
    this.ctx.logger.info({ peer: this.peer, attempts, error }, 'delivery failed; will retry');
    this.ctx.events.emit('deliveryFailed', this.peer, error);
  }
}

export class Delivery {
  private readonly loops = new Map<string, PeerDelivery>();
  private readonly onAppended = (): void => this.loops.forEach((l) => l.kick());
  private readonly onMirrored = (h: HashedStatement): void => this.loops.get(h.statement.author)?.peerIsBack();

  /** `settling`: the node's (started and stopped by it), which own receipts wait for; without one, only these pushes count. */
  constructor(private readonly ctx: NodeContext, private readonly options: DeliveryOptions = {}, private readonly settling = new Settling(ctx.events)) {}

  async start(): Promise<void> {
    for (const [peer, transport] of this.ctx.peers) {
      const state = (await this.ctx.store.delivery(peer)) ?? initialDelivery(peer);
      this.loops.set(peer, new PeerDelivery(this.ctx, transport, state, this.options.receiptDelayMs ?? RECEIPT_DELAY_MS, this.settling));
    }
    this.ctx.events.on('appended', this.onAppended);
    this.ctx.events.on('mirrored', this.onMirrored);
    this.onAppended();
  }

  async stop(): Promise<void> {
    this.ctx.events.off('appended', this.onAppended);
    this.ctx.events.off('mirrored', this.onMirrored);
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    this.loops.clear();
  }

  /** The delivery state as the loop holds it (ahead of the store only between an attempt and its write). */
  state(peer: string): DeliveryState | undefined {
    return this.loops.get(peer)?.state;
  }
}
