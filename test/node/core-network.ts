/**
 * In-process parties for the node's tests: each party's PartyNode behind its federation app, and peer transports that
 * inject requests into the other parties' apps, naming the caller as mutual TLS would. A party can be taken down
 * (unreachable both ways) and restarted from its store.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildFederationApp } from '../../src/federation/federation-app.js';
import { registerWitnessRoutes } from '../../src/federation/witness-routes.js';
import type { Agreement } from '../../src/protocol/agreement.js';
import { systemClock } from '../../src/node/clock.js';
import type { PeerRequest, PeerResponse, PeerTransport } from '../../src/node/node-context.js';
import { PartyNode, type PartyNodeOptions } from '../../src/node/party-node.js';
import type { Store } from '../../src/storage/store.js';
import { makeAgreement, partyEncryptionKey, partyKey } from '../support/case-builder.js';
import { MemoryStore } from './core-memory-store.js';

const CALLER_HEADER = 'x-test-caller';

export class InjectTransport implements PeerTransport {
  constructor(readonly party: string, private readonly from: string, private readonly net: TestNet) {}

  async request(req: PeerRequest): Promise<PeerResponse> {
    const app = this.net.apps.get(this.party);
    if (this.net.down.has(this.party) || this.net.down.has(this.from) || !app) throw new Error(`connect ECONNREFUSED (${this.party} is down)`);
    const headers: Record<string, string> = { [CALLER_HEADER]: this.from };
    if (req.contentType) headers['content-type'] = req.contentType;
    if (req.accept) headers.accept = req.accept;
    const res = await app.inject({ method: req.method, url: req.path, payload: req.body as string | Buffer | undefined, headers });
    return { status: res.statusCode, headers: res.headers as Record<string, string | string[] | undefined>, text: res.body };
  }

  async close(): Promise<void> {}
}

export class TestNet {
  readonly agreement: Agreement;
  readonly nodes = new Map<string, PartyNode>();
  readonly apps = new Map<string, FastifyInstance>();
  readonly stores = new Map<string, Store>();
  /** Parties that can neither be reached nor reach out. */
  readonly down = new Set<string>();
  /** Options for the nodes opened from now on (delivery, checkpoints). */
  nodeOptions: Pick<PartyNodeOptions, 'delivery' | 'checkpoints'> = {};

  /** `closeStores`: false when the stores' maker closes them itself (forEachStore does). */
  constructor(readonly parties: string[], private readonly openStore: (party: string) => Promise<Store>, private readonly closeStores = true) {
    this.agreement = makeAgreement(parties);
  }

  /** Opens (or reopens, from the same store) a party's node and its federation app; starts it unless told not to. */
  async open(party: string, start = true): Promise<PartyNode> {
    let store = this.stores.get(party);
    if (!store) this.stores.set(party, (store = await this.openStore(party)));
    const i = this.parties.indexOf(party);
    const peers = new Map(this.parties.filter((p) => p !== party).map((p) => [p, new InjectTransport(p, party, this) as PeerTransport]));
    const node = await PartyNode.open({ party, agreement: this.agreement, signingKey: partyKey(i), encryptionKeys: [partyEncryptionKey(i)], store, clock: systemClock, logger: pino({ level: 'silent' }), peers, ...this.nodeOptions });
    const app = buildFederationApp({
      node, peerOf: (r) => r.headers[CALLER_HEADER] as string | undefined, extraRoutes: [(a) => registerWitnessRoutes(a, node.witnessing)],
    });
    await app.ready();
    this.nodes.set(party, node);
    this.apps.set(party, app);
    if (start) await node.start();
    return node;
  }

  node(party: string): PartyNode {
    const n = this.nodes.get(party);
    if (!n) throw new Error(`test: ${party} is not open`);
    return n;
  }

  /** Stops a party's node and app, keeping its store for a restart. */
  async stop(party: string): Promise<void> {
    await this.nodes.get(party)?.stop();
    await this.apps.get(party)?.close();
    this.nodes.delete(party);
    this.apps.delete(party);
  }

  /** A request to `to`'s federation app as if from `caller`. */
  inject(to: string, caller: string | undefined, method: 'GET' | 'POST', url: string, payload?: unknown) {
    const headers: Record<string, string> = caller === undefined ? {} : { [CALLER_HEADER]: caller };
    return this.apps.get(to)!.inject({ method, url, payload: payload as string | object | undefined, headers });
  }

  async close(): Promise<void> {
    for (const p of [...this.nodes.keys()]) await this.stop(p);
    if (this.closeStores) for (const s of this.stores.values()) await s.close();
  }
}

/** The parties' nodes, open and started; with `makeStore` (forEachStore's), on that driver, else in memory. */
export async function testNet(parties: string[], makeStore?: () => Promise<Store>): Promise<TestNet> {
  const net = makeStore ? new TestNet(parties, makeStore, false) : new TestNet(parties, async () => new MemoryStore());
  for (const p of parties) await net.open(p);
  return net;
}

/** Waits until `check` holds (polling): for outcomes of background loops. Fails after `limitMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
