/**
 * Parties for the scheduler's tests: real PartyNodes on memory stores, sharing a clock the test moves by hand, each
 * with a Scheduler. The nodes are not started (no delivery loops, no timers): `sync()` hands every log to every other
 * node through the node's own receiving path, so each step of a test is deterministic.
 */
import { pino } from 'pino';
import type { Agreement } from '../../src/protocol/agreement.js';
import type { Clock } from '../../src/node/clock.js';
import type { PeerTransport } from '../../src/node/node-context.js';
import { PartyNode } from '../../src/node/party-node.js';
import type { Store } from '../../src/storage/store.js';
import { Scheduler, type SchedulerOptions } from '../../src/node/scheduler.js';
import { parseStatement, type HashedStatement } from '../../src/protocol/statement.js';
import { makeAgreement, partyKey } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';

export const T0 = Date.parse('2026-11-22T00:00:00.000Z');

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  readonly speed = 1;
  constructor(public ms = T0) {}
  nowMs(): number { return this.ms; }
  nowIso(): string { return new Date(this.ms).toISOString(); }
  advanceMinutes(minutes: number): void { this.ms += minutes * 60_000; }
}

/** Delivery is done by sync(); a node that tries to reach a peer on its own is a test error. */
class NoTransport implements PeerTransport {
  constructor(readonly party: string) {}
  async request(): Promise<never> { throw new Error(`test: no network to ${this.party}`); }
  async close(): Promise<void> {}
}

export interface PartiesOptions {
  /** Changes to the test agreement (case-builder's makeAgreement). */
  agreement?: Partial<Agreement>;
  scheduler?: SchedulerOptions;
  /** The nodes' clock: the manual one unless given (e.g. an accelerated clock, for the real timer). */
  clock?: Clock;
  /** A fresh store per party (forEachStore's); in memory unless given. */
  makeStore?: () => Promise<Store>;
}

export class Parties {
  readonly clock = new ManualClock();
  readonly agreement: Agreement;
  readonly nodes = new Map<string, PartyNode>();
  readonly schedulers = new Map<string, Scheduler>();
  private readonly stores = new Map<string, Store>();

  constructor(readonly ids: string[], private readonly options: PartiesOptions = {}) {
    this.agreement = makeAgreement(ids, options.agreement);
  }

  static async open(ids: string[], options: PartiesOptions = {}): Promise<Parties> {
    const p = new Parties(ids, options);
    for (const id of ids) await p.restart(id);
    return p;
  }

  /** Opens the party's node again from its store, with a new scheduler: what a restart of the process does. */
  async restart(id: string): Promise<void> {
    await this.schedulers.get(id)?.stop();
    let store = this.stores.get(id);
    if (!store) this.stores.set(id, (store = this.options.makeStore ? await this.options.makeStore() : new MemoryStore()));
    const peers = new Map(this.ids.filter((p) => p !== id).map((p) => [p, new NoTransport(p) as PeerTransport]));
    const node = await PartyNode.open({
      party: id, agreement: this.agreement, signingKey: partyKey(this.ids.indexOf(id)), store, clock: this.options.clock ?? this.clock,
      logger: pino({ level: 'silent' }), peers,
    });
    this.nodes.set(id, node);
    this.schedulers.set(id, new Scheduler(node, this.options.scheduler));
  }

  node(id: string): PartyNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`test: no party ${id}`);
    return n;
  }

  scheduler(id: string): Scheduler {
    const s = this.schedulers.get(id);
    if (!s) throw new Error(`test: no party ${id}`);
    return s;
  }

  /** Every log to every node, until nothing new (receipts, the schedulers' replies) is left to hand over. */
  async sync(): Promise<void> {
    for (let moved = true; moved;) {
      moved = false;
      for (const s of this.schedulers.values()) await s.idle();
      for (const receiver of this.ids) {
        for (const author of this.ids) {
          if (author === receiver) continue;
          const from = await this.node(receiver).store.logSize(author);
          const to = await this.node(author).store.logSize(author);
          const items = (await this.node(author).store.statements(author, from, to)).map((s) => JSON.parse(s.text) as unknown);
          if (items.length === 0) continue;
          await this.node(receiver).receiving.receive(author, items, author);
          moved = true;
        }
      }
    }
  }

  /** The party's own log, of one type. */
  async own(id: string, type: string): Promise<HashedStatement[]> {
    return (await this.node(id).store.statementsOfType([type])).filter((s) => s.author === id).map((s) => parseStatement(s.text));
  }

  async stop(): Promise<void> {
    for (const s of this.schedulers.values()) await s.stop();
  }
}
