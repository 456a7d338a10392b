/**
 * A request the node refuses, with the HTTP status the federation answers and the rule that was broken: 400 for
 * what cannot be read, 403 for a caller who may not do this, 404 for a log not held here, 409 for what does not fit
 * the log as it stands (a gap, a fork), 422 for a well-formed statement that is not what it claims (a forgery).
 */
export type RefusalStatus = 400 | 403 | 404 | 409 | 422;

export class Refusal extends Error {
  constructor(readonly status: RefusalStatus, readonly rule: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'Refusal';
  }
}
