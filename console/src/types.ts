/** The API's shapes, from the node's own source: the console and the node cannot disagree on them. */
export type { CaseState, CaseDeadline, TimelineEntry, CaseStatus } from '../../src/protocol/case-state.js';
export type { PeerStatus } from '../../src/node/node-api.js';
export type { Approval } from '../../src/storage/approval-store.js';
export type { ComplianceReport, PartyFigures, DeadlineFigures } from '../../src/protocol/compliance.js';
export type { Agreement, Contact, Party, Tier } from '../../src/protocol/agreement.js';
export type { StatementJson } from '../../src/api/views.js';
export type { CheckResult } from '../../src/node/communication-checks.js';
export type { DeadlinePoint } from '../../src/api/compliance-routes.js';
import type { CaseState } from '../../src/protocol/case-state.js';
import type { StatementJson } from '../../src/api/views.js';
import type { CodeList } from '../../src/protocol/codebook.js';
import type { Evidence } from '../../src/storage/store.js';
export type { CodeList, Evidence };

export type CaseDetail = CaseState & { statements: Array<StatementJson | null> };

/** GET /codebook?lang=: each list's codes with their label in one language. */
export interface LabelledCodebook {
  version: string;
  lang: string;
  lists: Record<CodeList, Array<{ code: string; label: string; description?: string }>>;
}
