/**
 * A whole node from its data directory: identity and agreement, store, a pinned transport to every peer, the node
 * itself, its federation server (mutual TLS), its user API (plain HTTP, local by default) and its scheduler.
 * `parley serve`, the tests and the demo all start nodes through here, so they run the same composition.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startApiServer, type RunningApi } from '../api/api-server.js';
import { ADMIN_TOKEN_FILE, createToken } from '../api/tokens.js';
import { startFederationServer, type FederationServer } from '../federation/server.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { acceleratedClock, systemClock, type Clock } from './clock.js';
import { databaseOf, openDataDir, type NodeFiles } from './data-dir.js';
import { writeKeyFile } from './key-file.js';
import { createLogger } from './logger.js';
import { createNodeMetrics } from './metrics.js';
import type { PeerTransport } from './node-context.js';
import { PartyNode } from './party-node.js';
import { PeerClient } from './peer-client.js';
import { Scheduler } from './scheduler.js';

/** The data directory cannot run a node yet (no agreement installed). */
export class NodeNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeNotReadyError';
  }
}

export interface RunNodeOptions {
  /** Default: pino to stdout at node.json's logLevel (info). */
  logger?: Logger;
  /** Overrides of node.json's listeners (port 0: any free port). */
  apiHost?: string;
  apiPort?: number;
  federationHost?: string;
  federationPort?: number;
  /** Default: node.json's clock (accelerated for demos) or the system clock. */
  clock?: Clock;
  /** Run the scheduler (escalations, communication checks). Default true. */
  scheduler?: boolean;
  /** Peer request timeout, ms (default: the peer client's). */
  peerTimeoutMs?: number;
}

export interface RunningNode {
  node: PartyNode;
  files: NodeFiles;
  federationUrl: string;
  apiUrl: string;
  /** Stops everything, last started first, and closes the store. */
  close(): Promise<void>;
}

export { ADMIN_TOKEN_FILE };

/** The clock node.json asks for: accelerated for a demo, else the system clock. */
export function clockOf(files: Pick<NodeFiles, 'config'>): Clock {
  const c = files.config.clock;
  // A speed below 1 would run time backwards against the other nodes' real clocks: read real time instead.
  return c && c.speed >= 1 ? acceleratedClock(Date.parse(c.origin), c.speed) : systemClock;
}

function peerClients(files: NodeFiles, party: string, timeoutMs: number | undefined): Map<string, PeerTransport> {
  const agreement = files.agreement?.agreement;
  const peers = new Map<string, PeerTransport>();
  for (const p of agreement?.parties ?? []) {
    if (p.id === party) continue;
    peers.set(p.id, new PeerClient({ party: p.id, baseUrl: p.node, fingerprint: p.tlsFingerprint, tls: files.tls, ...(timeoutMs ? { timeoutMs } : {}) }));
  }
  return peers;
}

/**
 * On the first run nobody can call the API (every route but /healthz needs a token, and tokens are made through
 * the API): make an admin token and leave it where only the operator can read it.
 */
async function firstAdminToken(dir: string, node: PartyNode, logger: Logger): Promise<void> {
  if ((await node.store.tokens()).length > 0) return;
  const { token } = await createToken(node.store, node.clock, 'first-run admin', 'admin');
  const path = join(dir, ADMIN_TOKEN_FILE);
  // A file left from an earlier database holds a token this store does not know: it opens nothing, replace it.
  await rm(path, { force: true });
  await writeKeyFile(path, token + '\n');
  logger.info({ file: path }, 'created an admin token for the user API in this file (readable by the owner only); use it to create duty-officer, approver and auditor tokens');
}

/** Runs `steps` in order, each even if an earlier one failed; rethrows the first failure. */
async function closeAll(steps: Array<() => Promise<void> | void>): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}

export async function runNode(dataDir: string, opts: RunNodeOptions = {}): Promise<RunningNode> {
  const files = await openDataDir(dataDir);
  const party = files.config.party;
  const logger = opts.logger ?? createLogger({ level: files.config.logLevel ?? 'info', base: { party } });
  const agreement = files.agreement?.agreement;
  if (!agreement) throw new NodeNotReadyError(`no agreement is installed in ${dataDir}: install the signed agreement first`);

  const cleanup: Array<() => Promise<void> | void> = [];
  const fail = async (e: unknown): Promise<never> => {
    await closeAll(cleanup.reverse()).catch(() => undefined);
    throw e;
  };
  let store: Store;
  try {
    store = await openStore(databaseOf(files));
  } catch (e) {
    return fail(e);
  }
  cleanup.push(() => store.close());
  const peers = peerClients(files, party, opts.peerTimeoutMs);
  cleanup.push(async () => { await Promise.all([...peers.values()].map((p) => p.close())); });
  try {
    const node = await PartyNode.open({ party, agreement, signingKey: files.signingKey, encryptionKeys: files.encryptionKeys, store, clock: opts.clock ?? clockOf(files), logger, peers });
    await node.start();
    cleanup.push(() => node.stop());
    const federation: FederationServer = await startFederationServer({
      node, files, host: opts.federationHost ?? files.config.federation.host, port: opts.federationPort ?? files.config.federation.port,
    });
    cleanup.push(() => federation.close());
    await firstAdminToken(files.dir, node, logger);
    const metrics = createNodeMetrics(node);
    cleanup.push(() => metrics.close());
    const apiHost = opts.apiHost ?? files.config.api.host ?? '127.0.0.1';
    const scheduler = opts.scheduler !== false ? new Scheduler(node, { logger }) : undefined;
    const api: RunningApi = await startApiServer({ node, logger, metrics, scheduler, host: apiHost, port: opts.apiPort ?? files.config.api.port });
    cleanup.push(() => api.close());
    if (!/^(127\.|::1$|localhost$)/.test(apiHost)) {
      logger.warn({ host: apiHost }, 'the user API is plain HTTP and listens beyond this host: put TLS in front of it');
    }
    if (scheduler) {
      scheduler.start();
      cleanup.push(() => scheduler.stop());
    }
    logger.info({ federation: federation.url, api: api.url, docs: `${api.url}/docs` }, `node ${party} of agreement ${agreement.id} is running`);
    let closing: Promise<void> | undefined;
    return {
      node, files, federationUrl: federation.url, apiUrl: api.url,
      close: () => (closing ??= closeAll([...cleanup].reverse()).then(() => logger.info('node stopped'))),
    };
  } catch (e) {
    return fail(e);
  }
}
