/**
 * What the registry knows about a statement type: its body schema and the rules of the envelope around it
 * (case, refs, addressees), the codes it carries, and the deadlines it sets for its addressees.
 */
import type { TObject } from '@sinclair/typebox';
import type { Agreement } from '../agreement.js';
import type { CodeList, Codebook } from '../codebook.js';
import type { Statement, StatementBody } from '../statement.js';

export interface ValidationContext {
  agreement: Agreement;
  codebook: Codebook;
}

/**
 * Who a statement is addressed to:
 *  - "others": one or more other parties;
 *  - "all-others": every other party (what changes the channel itself — keys, contacts, commitments — concerns all);
 *  - "referenced-author": exactly the author of the one statement it refers to (receipts, check replies);
 *  - "includes-referenced-author": the author of the statement it answers, and possibly others.
 */
export type AddressRule = 'others' | 'all-others' | 'referenced-author' | 'includes-referenced-author';

/**
 * Whether a statement carries a case id: "required", "optional", or "none". Case-opening types carry the id of the
 * case they open (prefixed by their author) — or of an existing case they add to; the fold tells which.
 */
export type CaseRule = 'required' | 'optional' | 'none';

/** A deadline an addressee of the statement gets: to acknowledge it, and to respond to it. */
export type DeadlineKind = 'acknowledgement' | 'response';

export interface StatementTypeSpec {
  id: string;
  /** One line for people: what the statement says. */
  summary: string;
  schema: TObject;
  /** Whether a statement of this type can open a case (the first such statement in a case, by its opener, does). */
  opensCase: boolean;
  case: CaseRule;
  refs: { min: number; max: number };
  to: AddressRule;
  /** Body fields holding codes (a string, or an array of strings), and the codebook list they come from. */
  codes: ReadonlyArray<{ field: string; list: CodeList }>;
  /** Deadlines the addressees get, counted from the statement's time by its `severity`. */
  deadlines: readonly DeadlineKind[];
  /** Rules a schema cannot say (order of times, lead time, ids named in the agreement). Throws ValidationError. */
  check?: (s: Statement, body: StatementBody, ctx: ValidationContext) => void;
  /** An example body, shown in docs/statements.md and validated by the tests. */
  example: StatementBody;
}

/** Upper bound for "any number of refs". */
export const MANY = 1000;
