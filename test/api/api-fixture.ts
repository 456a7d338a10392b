/**
 * A real PartyNode on a SQLite store in a temporary folder, with its user API (Fastify inject: no socket), and a
 * token of every role. The peer is a second real node whose statements the test hands to the first one, as a push
 * over the federation would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { parseAgreement } from '../../src/protocol/agreement-parse.js';
import type { Agreement } from '../../src/protocol/agreement.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { PartyNode } from '../../src/node/party-node.js';
import { initDataDir, openDataDir, type NodeFiles } from '../../src/node/data-dir.js';
import { systemClock } from '../../src/node/clock.js';
import { createLogger } from '../../src/node/logger.js';
import type { PeerTransport } from '../../src/node/node-context.js';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import type { Role } from '../../src/storage/store.js';
import { ROLES } from '../../src/storage/store.js';
import { buildApiServer } from '../../src/api/api-server.js';
import type { ApiApp } from '../../src/api/api-app.js';
import { createToken } from '../../src/api/tokens.js';
import { examplesDir } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { exampleParty } from '../support/log-builder.js';

export const AGREEMENT: Agreement = parseAgreement(readFileSync(join(examplesDir, 'avalon-borduria.yaml'), 'utf8'));

/** A peer that cannot be reached: these tests never start delivery. */
function unreachable(party: string): PeerTransport {
  return { party, request: () => Promise.reject(new Error('unreachable in tests')), close: async () => undefined };
}

export async function openNode(party: 'avalon' | 'borduria', dir = tempDir()): Promise<PartyNode> {
  const other = party === 'avalon' ? 'borduria' : 'avalon';
  const store = openSqliteStore(join(dir, `${party}.db`));
  return PartyNode.open({
    party, agreement: AGREEMENT, signingKey: exampleParty(AGREEMENT.id, party).key, store, clock: systemClock,
    logger: createLogger({ level: 'silent' }), peers: new Map([[other, unreachable(other)]]),
  });
}

export interface ApiFixture {
  node: PartyNode;
  peer: PartyNode;
  app: ApiApp;
  tokens: Record<Role, string>;
  /** Everything the API logged, as text. */
  logText(): string;
  /** Has the peer say something and hands it to the node, as the peer's delivery would. */
  fromPeer(draft: Parameters<PartyNode['send']>[0]): Promise<HashedStatement>;
  close(): Promise<void>;
}

export async function apiFixture(): Promise<ApiFixture> {
  const dir = tempDir();
  const node = await openNode('avalon', dir);
  const peer = await openNode('borduria', dir);
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const app = await buildApiServer({ node, logger: createLogger({ level: 'trace', destination }) });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) tokens[role] = (await createToken(node.store, node.clock, `test ${role}`, role)).token;
  return {
    node, peer, app, tokens,
    logText: () => lines.join(''),
    async fromPeer(draft) {
      const h = await peer.send(draft);
      const all = await peer.store.statements(peer.party, 0, h.statement.index + 1);
      await node.receiving.push(peer.party, peer.party, { statements: all.map((s) => JSON.parse(s.text) as unknown) });
      return h;
    },
    async close() {
      await app.close();
      await node.store.close();
      await peer.store.close();
    },
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A notification with a valid body, at the tier given (default: the agreement's lowest). */
export function notificationDraft(caseId: string, tier?: string): { type: string; case: string; to: string[]; body: Record<string, unknown> } {
  const to = caseId.startsWith('avalon:') ? ['borduria'] : ['avalon'];
  return {
    type: 'notification', case: caseId, to,
    body: { category: 'availability.ddos', severity: 'high', summary: 'DDoS against the election commission portal', actions: ['investigate'], ...(tier ? { tier } : {}) },
  };
}

/** A port nobody listens on now: node.json must name the federation port the agreement pins, before the node runs. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A fresh data directory for `party` of the example agreement under `root`, with its own federation and API ports. */
export async function initParty(root: string, party: string): Promise<NodeFiles> {
  const dir = join(root, party);
  await initDataDir({ dir, agreementId: 'avalon-borduria', party, federationPort: await freePort(), apiPort: await freePort() });
  return openDataDir(dir);
}
