/**
 * Two nodes started by runNode from their data directories talk to each other: a statement sent through one's user
 * API reaches the other over pinned mutual TLS, comes back receipted, and both APIs show it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installAgreement } from '../../src/node/data-dir.js';
import { initParty } from './api-fixture.js';
import { createLogger } from '../../src/node/logger.js';
import { ADMIN_TOKEN_FILE, runNode, type RunningNode } from '../../src/node/run-node.js';
import { ApiClient } from '../../src/cli/api-client.js';
import type { CaseState } from '../../src/protocol/case-state.js';
import { agreementFor } from '../node/identity-fixtures.js';
import { until } from '../node/core-network.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('parley-run-node-');
const nodes: RunningNode[] = [];

/** A client of the node's API with a fresh token of `role`, made with the first-run admin token. */
async function clientOf(n: RunningNode, role: string): Promise<ApiClient> {
  const admin = new ApiClient(n.apiUrl, readFileSync(join(n.files.dir, ADMIN_TOKEN_FILE), 'utf8').trim());
  return new ApiClient(n.apiUrl, (await admin.post<{ token: string }>('/api/v1/tokens', { name: role, role })).token);
}

before(async () => {
  const avalon = await initParty(root, 'avalon');
  const borduria = await initParty(root, 'borduria');
  const signed = agreementFor([avalon, borduria]);
  for (const files of [avalon, borduria]) {
    await installAgreement(files.dir, signed);
    nodes.push(await runNode(files.dir, { logger: createLogger({ level: 'silent' }), scheduler: false }));
  }
});
after(async () => { await Promise.all(nodes.map((n) => n.close())); });

test('a notification sent through avalon\'s API reaches borduria, is receipted, and both see the case', async () => {
  const [avalon, borduria] = nodes as [RunningNode, RunningNode];
  const officer = await clientOf(avalon, 'duty-officer');
  const sent = await officer.post<{ hash: string; index: number }>('/api/v1/statements', {
    type: 'notification', to: ['borduria'], case: 'avalon:run-1',
    body: { category: 'availability.ddos', severity: 'high', summary: 'DDoS against the election portal', actions: ['investigate'] },
  });

  const auditor = await clientOf(borduria, 'auditor');
  await until('borduria holds the case', async () => (await auditor.get<CaseState[]>('/api/v1/cases')).some((c) => c.id === 'avalon:run-1'), 30_000);
  const seen = await auditor.get<{ hash: string }>(`/api/v1/statements/avalon/${sent.index}`);
  assert.equal(seen.hash, sent.hash);

  await until('avalon holds borduria\'s receipt', async () => {
    const v = await officer.get<{ receipts: Array<{ party: string }> }>(`/api/v1/statements/avalon/${sent.index}`);
    return v.receipts.some((r) => r.party === 'borduria');
  }, 30_000);
  const peers = await officer.get<Array<{ party: string; pendingDeliveries: number }>>('/api/v1/peers');
  assert.deepEqual(peers.map((p) => [p.party, p.pendingDeliveries]), [['borduria', 0]]);
});
