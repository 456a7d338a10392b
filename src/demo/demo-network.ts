/**
 * The demo's network: one data directory per party of an example agreement, made as an operator would with
 * `parley init`, the agreement re-made with the nodes' real keys, certificate fingerprints and URLs and signed by
 * every party, then every node started on loopback, sharing one accelerated clock.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { parseAgreement } from '../protocol/agreement-parse.js';
import { signAgreement, type SignedAgreement } from '../protocol/agreement-signature.js';
import { DATA_FILES, initDataDir, installAgreement, openDataDir, type NodeFiles } from '../node/data-dir.js';
import { runNode, type RunningNode } from '../node/run-node.js';
import { ADMIN_TOKEN_FILE } from '../api/tokens.js';

/** The example agreements the demo can play, by number of parties. */
export const DEMO_AGREEMENTS: Readonly<Record<number, string>> = { 2: 'avalon-borduria.yaml', 5: 'regional-5.yaml' };

export interface DemoNetworkOptions {
  /** Where the parties' data directories go (one per party, named by party id). */
  dir: string;
  parties: number;
  /** How much faster than real time the nodes' shared clock runs. */
  speed: number;
  /** One logger per party (the demo sends the nodes' logs to a file, not the terminal). */
  loggerFor: (party: string) => Logger;
}

export interface DemoParty {
  party: string;
  dir: string;
  running: RunningNode;
  /** The first-run admin token of the node's user API. */
  adminToken: string;
}

export interface DemoNetwork {
  signed: SignedAgreement;
  parties: DemoParty[];
  close(): Promise<void>;
}

export class DemoSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoSetupError';
  }
}

/**
 * examples/ of the installed package: dist/src/demo/ → the package root. Compiled elsewhere (tsc --outDir /tmp/…,
 * as the tests are), there is no package there — and a stray examples/ could be stale: use the working directory's.
 */
export function examplesDir(): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  if (existsSync(join(root, 'package.json'))) return join(root, 'examples');
  return join(process.cwd(), 'examples');
}

/** A port nobody listens on now (the nodes' URLs must be known before the agreement is signed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function initParty(dir: string, agreementId: string, party: string, clock: { origin: string; speed: number } | undefined): Promise<NodeFiles> {
  const partyDir = join(dir, party);
  await initDataDir({
    dir: partyDir, agreementId, party, federationHost: '127.0.0.1', federationPort: await freePort(), apiPort: await freePort(),
  });
  if (!clock) return openDataDir(partyDir);
  // Every node of the demo reads the same accelerated clock, so that they agree on what time it is.
  const configPath = join(partyDir, DATA_FILES.config);
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  await writeFile(configPath, JSON.stringify({ ...config, clock }, null, 2) + '\n');
  return openDataDir(partyDir);
}

/** The example agreement, with these nodes' real keys, fingerprints and URLs, signed by all of them. */
function agreementFor(text: string, nodes: NodeFiles[]): SignedAgreement {
  const agreement = parseAgreement(text);
  for (const n of nodes) {
    const p = agreement.parties.find((x) => x.id === n.config.party);
    if (!p) throw new DemoSetupError(`the example agreement has no party "${n.config.party}"`);
    p.signingKey = n.vkey;
    p.encryptionKey = n.encryptionKey;
    p.tlsFingerprint = n.fingerprint;
    p.node = n.config.federation.url;
  }
  return { agreement, signatures: nodes.map((n) => signAgreement(agreement, n.config.party, n.signingKey)) };
}

export interface DemoDirsOptions {
  /** Where the parties' data directories go (one per party, named by party id). */
  dir: string;
  /** 2 or 5: which example agreement (DEMO_AGREEMENTS). */
  parties: number;
  /** A clock every node shares (node.json's `clock`); none: each node reads the system clock. */
  clock?: { origin: string; speed: number };
}

export interface DemoDirs {
  signed: SignedAgreement;
  /** One data directory per party, in the agreement's order, each with the signed agreement installed. */
  files: NodeFiles[];
}

/**
 * The data directories of an example agreement's parties on loopback (free ports), ready to run: made by
 * initDataDir, the agreement re-made with their keys, fingerprints and URLs, signed by every party and installed.
 * The demo starts them in this process; the integration tests start each as its own `parley serve`.
 */
export async function prepareDemoDirs(opts: DemoDirsOptions): Promise<DemoDirs> {
  const file = DEMO_AGREEMENTS[opts.parties];
  if (!file) throw new DemoSetupError(`--parties must be one of ${Object.keys(DEMO_AGREEMENTS).join(', ')} (the example agreements), not ${opts.parties}`);
  const text = await readFile(join(examplesDir(), file), 'utf8');
  const ids = parseAgreement(text).parties.map((p) => p.id);
  const agreementId = parseAgreement(text).id;
  const files: NodeFiles[] = [];
  for (const party of ids) files.push(await initParty(opts.dir, agreementId, party, opts.clock));
  const signed = agreementFor(text, files);
  for (const f of files) await installAgreement(f.dir, signed);
  return { signed, files };
}

export async function startDemoNetwork(opts: DemoNetworkOptions): Promise<DemoNetwork> {
  const clock = { origin: new Date().toISOString(), speed: opts.speed };
  const { signed, files } = await prepareDemoDirs({ dir: opts.dir, parties: opts.parties, clock });

  const parties: DemoParty[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(parties.map((p) => p.running.close()));
  };
  try {
    for (const f of files) {
      const party = f.config.party;
      const running = await runNode(f.dir, { logger: opts.loggerFor(party) });
      const adminToken = (await readFile(join(f.dir, ADMIN_TOKEN_FILE), 'utf8')).trim();
      parties.push({ party, dir: f.dir, running, adminToken });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { signed, parties, close };
}
