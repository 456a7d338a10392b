/**
 * The cases as the fold sees them, kept up to date without refolding everything each time someone asks. A case's
 * state depends only on its own statements and on the instant (which deadlines are overdue), so each case's fold is
 * kept with the number of statements it saw and the instant until which it stays true: the next instant a running
 * deadline turns overdue. A case is refolded only when a statement of it arrived or that instant passed.
 */
import type { Agreement } from '../protocol/agreement.js';
import { foldCases, type CaseState } from '../protocol/case-fold.js';
import type { StatementCache } from './statement-cache.js';

interface Folded {
  /** How many statements of the case the fold saw. */
  statements: number;
  state: CaseState | undefined;
  /** The instants (ms) between which the fold holds: [foldedAt, validUntil). */
  foldedAt: number;
  validUntil: number;
}

/** The first instant after which the fold's overdue marks would change (the fold marks a deadline overdue strictly after its due time). */
function nextChangeMs(state: CaseState | undefined): number {
  let next = Infinity;
  for (const d of state?.deadlines ?? []) {
    const due = Date.parse(d.due);
    const metInTime = d.met !== undefined && Date.parse(d.met) <= due;
    if (!d.overdue && !d.cancelled && !metInTime) next = Math.min(next, due + 1);
  }
  return next;
}

export class CaseView {
  private readonly folds = new Map<string, Folded>();

  constructor(private readonly statements: StatementCache, private readonly agreement: Agreement) {}

  /**
   * Every case at instant `atIso`, in the order they were opened. The states are shared with later calls until the
   * case changes: callers must not modify them.
   */
  all(atIso: string): CaseState[] {
    const at = Date.parse(atIso);
    const cases: CaseState[] = [];
    for (const id of this.statements.caseIds()) {
      const state = this.fold(id, atIso, at);
      if (state) cases.push(state);
    }
    return cases.sort((a, b) => Date.parse(a.opened) - Date.parse(b.opened) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  byId(id: string, atIso: string): CaseState | undefined {
    return this.fold(id, atIso, Date.parse(atIso));
  }

  private fold(id: string, atIso: string, at: number): CaseState | undefined {
    const statements = this.statements.ofCase(id);
    const kept = this.folds.get(id);
    if (kept && kept.statements === statements.length && kept.foldedAt <= at && at < kept.validUntil) return kept.state;
    const state = foldCases(statements, this.agreement, atIso).get(id);
    this.folds.set(id, { statements: statements.length, state, foldedAt: at, validUntil: nextChangeMs(state) });
    return state;
  }
}
