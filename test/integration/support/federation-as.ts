/**
 * The federation as a party's node sees it: a client presenting that party's own pinned certificate (read from its
 * data directory) to another party's node. Tests use it to read logs and mirrors the way peers do, and to play a
 * party that misbehaves — it holds the party's real keys.
 */
import type { NodeFiles } from '../../../src/node/data-dir.js';
import { PeerClient } from '../../../src/node/peer-client.js';
import { MAX_BATCH, statementsPath } from '../../../src/federation/paths.js';
import { parseStatement, type HashedStatement } from '../../../src/protocol/statement.js';

/** `caller`'s certificate and key, talking to `server`'s federation endpoint (pinned by its fingerprint). */
export function federationAs(caller: NodeFiles, server: NodeFiles): PeerClient {
  return new PeerClient({ party: server.config.party, baseUrl: server.config.federation.url, fingerprint: server.fingerprint, tls: caller.tls });
}

/** The whole of `party`'s log as the client's server holds it (its own log, or its mirror), each statement parsed. */
export async function readLog(client: PeerClient, party: string): Promise<HashedStatement[]> {
  const log: HashedStatement[] = [];
  for (;;) {
    const { statements } = await client.json<{ statements: unknown[] }>({ method: 'GET', path: statementsPath(party, log.length, MAX_BATCH) });
    log.push(...statements.map((s) => parseStatement(s as object)));
    if (statements.length < MAX_BATCH) return log;
  }
}

/** Reads with a short-lived client, closed afterwards. */
export async function readLogAs(caller: NodeFiles, server: NodeFiles, party: string): Promise<HashedStatement[]> {
  const client = federationAs(caller, server);
  try {
    return await readLog(client, party);
  } finally {
    await client.close();
  }
}
