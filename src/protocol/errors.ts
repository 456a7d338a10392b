/**
 * Errors raised by the pure protocol library. Each names the rule that was broken,
 * so that a CLI or an HTTP surface can report it verbatim (and map it to exit 1 / HTTP 4xx).
 */
export class ProtocolError extends Error {
  /** A short, stable identifier of the rule, e.g. "statement.signature" or "merkle.consistency". */
  readonly rule: string;
  constructor(rule: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.rule = rule;
  }
}

/** Input that cannot be parsed or does not have the expected shape. */
export class FormatError extends ProtocolError {}

/** A signature that does not verify against the key it must verify against. */
export class SignatureError extends ProtocolError {}

/** A Merkle proof, root or checkpoint that does not hold. */
export class ProofError extends ProtocolError {}

/** A document (agreement, statement body) that breaks a validation rule; `path` names the field. */
export class ValidationError extends ProtocolError {
  readonly path: string;
  constructor(rule: string, path: string, message: string) {
    super(rule, path ? `${path}: ${message}` : message);
    this.path = path;
  }
}
