/**
 * The problems found in an agreement document. Validation collects every problem before it reports any:
 * an operator fixing an agreement by hand should see the whole list at once, not one error per attempt.
 */
import { ValidationError } from './errors.js';

export interface AgreementProblem {
  /** The field, e.g. "parties[1].signingKey" or "deadlines.acknowledgement.critical". */
  path: string;
  /** A stable rule id, e.g. "agreement.unknown-party". */
  rule: string;
  message: string;
}

/**
 * An agreement that breaks one or more rules. `rule` and `path` are those of the first problem (so a caller that
 * handles one error at a time still gets a precise one); `problems` lists them all, and so does the message.
 */
export class AgreementValidationError extends ValidationError {
  readonly problems: readonly AgreementProblem[];
  constructor(problems: readonly AgreementProblem[]) {
    const first = problems[0] ?? { rule: 'agreement.invalid', path: '', message: 'invalid agreement' };
    super(first.rule, first.path, first.message);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    this.message = `the agreement is not valid (${count}):\n` + problems.map((p) => `  ${p.path || '(document)'}: ${p.message} [${p.rule}]`).join('\n');
    this.problems = problems;
  }
}

/** Collects problems while the checks walk the document. */
export class Problems {
  readonly list: AgreementProblem[] = [];

  add(path: string, rule: string, message: string): void {
    this.list.push({ path, rule, message });
  }

  /** Whether a problem was already recorded at this path (a later, derived complaint would only repeat it). */
  has(path: string): boolean {
    return this.list.some((p) => p.path === path);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new AgreementValidationError(this.list);
  }
}

/*
 * The semantic checks run even when the structure is wrong, so that all problems come out together; these guards
 * let them read a field of a malformed document without failing themselves (the structural problem is reported once).
 */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function recordAt(x: unknown): Record<string, unknown> {
  return isRecord(x) ? x : {};
}

export function arrayAt(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function stringAt(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function stringsAt(x: unknown): string[] {
  return arrayAt(x).filter((s): s is string => typeof s === 'string');
}

/** Reports each value that appears more than once in `values` (index-aligned paths). */
export function reportDuplicates(problems: Problems, values: readonly (string | undefined)[], pathOf: (i: number) => string, rule: string, what: string): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    if (v === undefined) return;
    const first = seen.get(v);
    if (first === undefined) seen.set(v, i);
    else problems.add(pathOf(i), rule, `${what} ${JSON.stringify(v)} is already used at ${pathOf(first)}`);
  });
}
