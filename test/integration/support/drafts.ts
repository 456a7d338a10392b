/** What the tests say through the user API, and how they read it back. */
import { ApiRefusedError, type ApiClient } from '../../../src/cli/api-client.js';
import type { StatementRef } from '../../../src/protocol/statement.js';
import type { PeerStatus } from '../../../src/node/node-api.js';

/** A notification opening `caseId` (the case's opener is the part before the colon), addressed to `to`. */
export function notification(caseId: string, to: string[], summary = 'DDoS against the election commission portal'): Record<string, unknown> {
  return {
    type: 'notification', to, case: caseId,
    body: { category: 'availability.ddos', severity: 'high', summary, actions: ['investigate'] },
  };
}

/** POST /api/v1/statements's answer. */
export interface Sent {
  author: string;
  index: number;
  hash: string;
}

/** GET /api/v1/statements/:author/:index's answer. */
export interface StatementJson extends Sent {
  statement: { type: string; to: string[]; refs: StatementRef[]; body?: Record<string, unknown> };
  receipts: Array<{ party: string; index: number; hash: string }>;
  cosignedBy: string[];
}

/** GET /api/v1/peers: one entry, as the node's own type says (it is sent as JSON unchanged). */
export type PeerJson = PeerStatus;

/** The statement as `api`'s node shows it, or undefined while it does not hold it (404). */
export async function statementAt(api: ApiClient, author: string, index: number): Promise<StatementJson | undefined> {
  try {
    return await api.get<StatementJson>(`/api/v1/statements/${author}/${index}`);
  } catch (e) {
    if (e instanceof ApiRefusedError && e.status === 404) return undefined;
    throw e;
  }
}

export async function peersOf(api: ApiClient): Promise<PeerJson[]> {
  return api.get<PeerJson[]>('/api/v1/peers');
}
