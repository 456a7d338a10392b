/**
 * Whether the node's pushes have settled: the work someone is waiting for — a push of the own log and its receipts,
 * a peer's push being answered — is neither under way nor just finished. Background work that can wait (signing
 * an own checkpoint, pushing own receipts the peer already holds) waits for a settled moment, so that its
 * transactions, and the ones it causes at the peer, fall between pushes instead of holding one up.
 *
 * "Just finished" covers the other side's share of an exchange, which this node cannot see: after it answers a push,
 * the pusher still checks and stores the receipts. DEFAULT_SETTLE_MS of quiet is about that, on loopback and LAN.
 */
import type { EventEmitter } from 'node:events';
import type { NodeEvents } from './node-api.js';

/** Real ms without pushes under way or new statements before the node counts as settled. */
export const DEFAULT_SETTLE_MS = 2;

/** The events that mark an exchange someone waits for. */
const ACTIVITY = ['appended', 'mirrored', 'delivered', 'deliveryFailed'] as const;

export class Settling {
  private lastActivity = -Infinity;
  private underWay = 0;
  private readonly onActivity = (): void => this.touch();

  constructor(private readonly events: EventEmitter<NodeEvents>) {}

  start(): void {
    for (const e of ACTIVITY) this.events.on(e, this.onActivity);
  }

  stop(): void {
    for (const e of ACTIVITY) this.events.off(e, this.onActivity);
  }

  /** Marks activity now. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Runs `work` (a push, or answering one) as activity: the node is not settled while it runs nor just after. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.underWay++;
    this.touch();
    try {
      return await work();
    } finally {
      this.underWay--;
      this.touch();
    }
  }

  /** Real ms since the last activity; 0 while some is under way. */
  quietMs(): number {
    return this.underWay > 0 ? 0 : Date.now() - this.lastActivity;
  }
}
