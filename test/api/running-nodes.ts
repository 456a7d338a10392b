/**
 * Avalon and Borduria as real running nodes (runNode from their data directories, pinned mutual TLS on loopback),
 * stopped when the test file ends, and API clients with a fresh token of any role.
 */
import { after } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installAgreement } from '../../src/node/data-dir.js';
import { createLogger } from '../../src/node/logger.js';
import { ADMIN_TOKEN_FILE, runNode, type RunningNode } from '../../src/node/run-node.js';
import { ApiClient } from '../../src/cli/api-client.js';
import { agreementFor } from '../node/identity-fixtures.js';
import { tempDir } from '../support/temp.js';
import { initParty } from './api-fixture.js';

// Registered when the test file imports this module: at the top level, where node:test runs them after every test.
const root = tempDir('parley-running-nodes-');
const started: RunningNode[] = [];
after(async () => { await Promise.all(started.map((n) => n.close())); });

/** Starts both nodes; `scheduler: false` keeps their logs free of the scheduler's communication checks. */
export async function runAvalonAndBorduria(opts: { scheduler: boolean }): Promise<[RunningNode, RunningNode]> {
  const avalon = await initParty(root, 'avalon');
  const borduria = await initParty(root, 'borduria');
  const signed = agreementFor([avalon, borduria]);
  const nodes: RunningNode[] = [];
  for (const files of [avalon, borduria]) {
    await installAgreement(files.dir, signed);
    nodes.push(await runNode(files.dir, { logger: createLogger({ level: 'silent' }), scheduler: opts.scheduler }));
    started.push(nodes[nodes.length - 1]!);
  }
  return nodes as [RunningNode, RunningNode];
}

/** A client of the node's API with a fresh token of `role`, made with the first-run admin token. */
export async function clientOf(n: RunningNode, role: string): Promise<ApiClient> {
  const admin = new ApiClient(n.apiUrl, readFileSync(join(n.files.dir, ADMIN_TOKEN_FILE), 'utf8').trim());
  return new ApiClient(n.apiUrl, (await admin.post<{ token: string }>('/api/v1/tokens', { name: role, role })).token);
}
