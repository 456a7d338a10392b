/**
 * Two nodes started by runNode from their data directories talk to each other: a statement sent through one's user
 * API reaches the other over pinned mutual TLS, comes back receipted, and both APIs show it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningNode } from '../../src/node/run-node.js';
import { clientOf, runAvalonAndBorduria } from './running-nodes.js';
import type { CaseState } from '../../src/protocol/case-state.js';
import { until } from '../node/core-network.js';

const nodes: RunningNode[] = [];


before(async () => { nodes.push(...(await runAvalonAndBorduria({ scheduler: false }))); });

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
