/**
 * Compliance figures for the console's charts and the annual review report: the protocol's own figures
 * (compliance.ts, the same any party can recompute from the logs) for a period, plus every deadline of the period
 * with how long it took, so that charts can show times against deadlines per party and over time.
 */
import { Type } from '@sinclair/typebox';
import { Time } from '../protocol/bodies/common.js';
import { complianceFigures } from '../protocol/compliance.js';
import { STATEMENT_TYPES } from '../protocol/statement-types.js';
import type { NodeApi } from '../node/node-api.js';
import type { ApiApp } from './api-app.js';
import { ApiError } from './api-errors.js';
import { READERS } from './roles.js';

const ComplianceQuery = Type.Object({
  from: Type.Optional(Time),
  to: Type.Optional(Time),
}, { additionalProperties: false });

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** One deadline as a chart shows it: owed by whom, what it allowed and what it took. */
export interface DeadlinePoint {
  case: string;
  kind: string;
  party: string;
  from: string;
  allowedMs: number;
  /** Time taken to meet it; null while unmet. */
  tookMs: number | null;
  overdue: boolean;
  cancelled: boolean;
}

export function registerComplianceRoutes(app: ApiApp, node: NodeApi): void {
  app.get('/compliance', {
    config: { roles: READERS },
    schema: { tags: ['channel'], summary: 'Compliance figures for a period (default: the last year) and each deadline of it, for charts and the review report', querystring: ComplianceQuery },
  }, async (request) => {
    const at = node.clock.nowIso();
    const to = request.query.to ?? at;
    const from = request.query.from ?? new Date(Date.parse(to) - YEAR_MS).toISOString();
    if (Date.parse(from) >= Date.parse(to)) throw new ApiError(400, 'request.invalid', `the period must start before it ends (from ${from}, to ${to})`, 'from');
    const statements = await node.statementsOfType([...STATEMENT_TYPES.keys()]);
    const report = complianceFigures(statements, node.agreement, { from, to }, at);
    const deadlines: DeadlinePoint[] = (await node.cases()).flatMap((c) => c.deadlines
      .filter((d) => d.from >= from && d.from < to)
      .map((d) => ({
        case: c.id, kind: d.kind, party: d.party, from: d.from,
        allowedMs: Date.parse(d.due) - Date.parse(d.from),
        tookMs: d.met ? Date.parse(d.met) - Date.parse(d.from) : null,
        overdue: d.overdue, cancelled: d.cancelled === true,
      })));
    return { report, deadlines, parties: node.agreement.parties.map((p) => ({ id: p.id, names: p.names })) };
  });
}
