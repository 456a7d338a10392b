/**
 * In-process nodes for the witnessing tests: each has a real store, the NodeContext pieces witnessing uses, and a
 * Fastify app with the witness routes (plus a consistency-proof route standing in for the core's log routes).
 * Peers talk through app.inject, with the caller's party set as the federation server's pinned-TLS hook would.
 * Logs are trees of made-up leaf hashes: witnessing looks at checkpoints and proofs, never at statements.
 */
import { Sealing } from '../../src/node/sealing.js';
import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Agreement } from '../../src/protocol/agreement.js';
import { signCheckpoint } from '../../src/protocol/checkpoint.js';
import { toBase64, toHex, utf8 } from '../../src/protocol/encoding.js';
import { sha256 } from '../../src/protocol/hash.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { formatAddCheckpointRequest } from '../../src/protocol/witness.js';
import { registerWitnessRoutes } from '../../src/federation/witness-routes.js';
import { systemClock } from '../../src/node/clock.js';
import type { NodeContext, PeerRequest, PeerResponse, PeerTransport } from '../../src/node/node-context.js';
import type { NodeEvents } from '../../src/node/node-api.js';
import { Witnessing, type WitnessingOptions } from '../../src/node/witnessing.js';
import { StatementCache } from '../../src/node/statement-cache.js';
import type { Evidence, Store } from '../../src/storage/store.js';
import { testParty, type TestParty } from '../support/log-builder.js';

export const AGREEMENT = 'witness-test';

export interface TestNode {
  id: string;
  party: TestParty;
  ctx: NodeContext;
  witnessing: Witnessing;
  app: FastifyInstance;
  /** The own tree and the mirrors, as ctx.tree() gives them. */
  trees: Map<string, MerkleTree>;
  /** Evidence alarms raised, in order. */
  alarms: Evidence[];
  /** Peers whose backfill was asked for. */
  backfills: string[];
}

/** Made-up leaf hashes: `count` leaves labelled by `label`, from leaf `from` on. */
export function leaves(label: string, from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => sha256(utf8(`${label} leaf ${from + i}`)));
}

export function grow(tree: MerkleTree, label: string, count: number): MerkleTree {
  for (const h of leaves(label, tree.size, count)) tree.append(h);
  return tree;
}

export function checkpointNote(party: TestParty, tree: MerkleTree, size = tree.size): string {
  return signCheckpoint({ origin: party.name, size, root: tree.root(size), extensions: [] }, party.key, party.name);
}

export function addCheckpointBody(party: TestParty, tree: MerkleTree, oldSize: number, size = tree.size): string {
  return formatAddCheckpointRequest({ oldSize, proof: tree.consistencyProof(oldSize, size), note: checkpointNote(party, tree, size) });
}

function mutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A fake agreement: witnessing reads only its id and its parties' ids. */
function agreementOf(ids: readonly string[]): Agreement {
  return { id: AGREEMENT, parties: ids.map((id) => ({ id })) } as unknown as Agreement;
}

export class TestNetwork {
  readonly parties = new Map<string, TestParty>();
  readonly nodes = new Map<string, TestNode>();
  /** Apps serving a party that is not a TestNode (a rogue log's own routes). */
  readonly apps = new Map<string, FastifyInstance>();
  /** Parties that cannot be reached. */
  readonly down = new Set<string>();
  /** Every request sent, with who sent it. */
  readonly sent: Array<{ from: string; to: string; request: PeerRequest }> = [];
  /** Hooks run before a request is delivered: throw to make it fail. */
  readonly interceptors: Array<(from: string, to: string, request: PeerRequest) => Promise<void> | void> = [];

  constructor(readonly ids: readonly string[]) {
    for (const id of ids) this.parties.set(id, testParty(AGREEMENT, id));
  }

  party(id: string): TestParty {
    return this.parties.get(id)!;
  }

  transport(from: string, to: string): PeerTransport {
    return {
      party: to,
      request: async (request: PeerRequest): Promise<PeerResponse> => {
        this.sent.push({ from, to, request });
        for (const intercept of this.interceptors) await intercept(from, to, request);
        const app = this.nodes.get(to)?.app ?? this.apps.get(to);
        if (!app || this.down.has(to)) throw new Error(`connect ECONNREFUSED (${to} is down)`);
        const headers: Record<string, string> = { 'x-test-peer': from };
        if (request.contentType) headers['content-type'] = request.contentType;
        if (request.accept) headers.accept = request.accept;
        const res = await app.inject({ method: request.method, url: request.path, headers, ...(request.body === undefined ? {} : { payload: request.body }) });
        return { status: res.statusCode, headers: res.headers as PeerResponse['headers'], text: res.body };
      },
      close: async () => undefined,
    };
  }

  async addNode(id: string, store: Store, options: WitnessingOptions = {}): Promise<TestNode> {
    const party = this.party(id);
    const trees = new Map(this.ids.map((p) => [p, new MerkleTree()]));
    const alarms: Evidence[] = [];
    const backfills: string[] = [];
    const events = new EventEmitter<NodeEvents>();
    events.on('alarm', (e) => alarms.push(e));
    const ctx: NodeContext = {
      party: id,
      agreement: agreementOf(this.ids),
      // Witnessing never reads bodies: a node without encryption keys is enough here.
      sealing: new Sealing(id, agreementOf(this.ids), []),
      signingKey: party.key,
      keyName: party.name,
      vkeyOf: (p) => this.party(p).vkey,
      clock: systemClock,
      store,
      events,
      logger: pino({ level: 'silent' }),
      tree: (p) => trees.get(p)!,
      statements: new StatementCache(),
      peers: new Map(this.ids.filter((p) => p !== id).map((p) => [p, this.transport(id, p)])),
      exclusive: mutex(),
    };
    const witnessing = new Witnessing(ctx, {
      retryDelayMs: () => 1,
      backfill: async (p) => void backfills.push(p),
      // The tests look at whether a backfill is asked for, not at how long the mirror waits for a push first.
      mirrorGraceMs: 0,
      ...options,
    });
    const app = serveLogs(Fastify(), trees);
    registerWitnessRoutes(app, witnessing);
    const node: TestNode = { id, party, ctx, witnessing, app, trees, alarms, backfills };
    this.nodes.set(id, node);
    return node;
  }

  async close(): Promise<void> {
    for (const node of this.nodes.values()) {
      await node.witnessing.stop();
      await node.app.close();
    }
    for (const app of this.apps.values()) await app.close();
  }
}

/**
 * The test's stand-in for the federation server: the caller from a header (the real one reads the pinned
 * certificate) and consistency proofs from the given trees.
 */
export function serveLogs(app: FastifyInstance, trees: Map<string, MerkleTree>): FastifyInstance {
  app.addHook('onRequest', async (request) => {
    Object.assign(request, { peerParty: request.headers['x-test-peer'] });
  });
  app.get<{ Params: { party: string }; Querystring: { old: string; new: string } }>('/v1/logs/:party/consistency', async (request, reply) => {
    const tree = trees.get(request.params.party);
    const [m, n] = [Number(request.query.old), Number(request.query.new)];
    if (!tree || !(n <= tree.size) || !(m <= n)) return reply.code(400).send({ error: 'proof.size', message: 'bad sizes' });
    return reply.type('text/plain').send(tree.consistencyProof(m, n).map((h) => `${toBase64(h)}\n`).join(''));
  });
  return app;
}

/** Signs a checkpoint of the node's own tree at its size, stores it as the core does, and tells witnessing. */
export async function signOwnCheckpoint(node: TestNode): Promise<string> {
  const tree = node.trees.get(node.id)!;
  const note = checkpointNote(node.party, tree);
  await node.ctx.store.write({
    checkpoints: [{ log: node.id, size: tree.size, root: toHex(tree.root()), note, seenFrom: node.id, storedAt: new Date().toISOString() }],
  });
  node.witnessing.checkpointSigned();
  return note;
}

/**
 * Resolves at the next 'cosigned' event of this size from this witness. Witnessing's retry timers do not hold the
 * process open (a node's server does), so this wait does, or the test would end while a retry is due.
 */
export function cosignedEvent(node: TestNode, witness: string, size: number, limitMs = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let listener: ((w: string, s: number) => void) | undefined;
  // Bounded, so that a cosignature that never comes fails the test with what it waited for instead of hanging it.
  return new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${witness} did not cosign size ${size} of ${node.id}'s log within ${limitMs} ms`)), limitMs);
    listener = (w: string, s: number): void => {
      if (w === witness && s === size) resolve();
    };
    node.ctx.events.on('cosigned', listener);
  }).finally(() => {
    clearTimeout(timer);
    if (listener) node.ctx.events.off('cosigned', listener);
  });
}
