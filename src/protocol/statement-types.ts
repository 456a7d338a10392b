/**
 * The statement types of Parley and the rules of each: the body schema, whether it opens a case or belongs to one,
 * which statements it must refer to, who it may be addressed to, which codes it carries. Bodies are described in
 * src/protocol/bodies/ (one file per family) and, for people, in docs/statements.md.
 *
 * validateStatement checks one statement on its own, against the agreement and its codebook. What needs other
 * statements — that an acknowledgement's case exists, that a reply echoes its check's nonce — is the case fold's
 * and the compliance figures' business: statements of different logs arrive in any order.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Agreement } from './agreement.js';
import { hasCode, type Codebook, type CodeList } from './codebook.js';
import { bodyCheckFor } from './body-check.js';
import { ValidationError } from './errors.js';
import type { Statement, StatementBody } from './statement.js';
import { CASE_OPENING_TYPES } from './bodies/case-opening.js';
import { CASE_PROGRESS_TYPES } from './bodies/case-progress.js';
import { CHANNEL_TYPES } from './bodies/channel.js';
import { STANDING_TYPES } from './bodies/standing.js';
import { indicators } from './bodies/indicators.js';
import { encryptionKeyRotation } from './bodies/encryption-key-rotation.js';
import { PLAIN_TYPES } from './sealing-policy.js';
import { sighting } from './bodies/sighting.js'; // TAXII (issue 5): feedback on shared indicators
import type { StatementTypeSpec, ValidationContext } from './bodies/spec.js';

export type { StatementTypeSpec, ValidationContext, AddressRule, CaseRule, DeadlineKind } from './bodies/spec.js';

export const STATEMENT_TYPES: ReadonlyMap<string, StatementTypeSpec> = new Map(
  [...CASE_OPENING_TYPES, ...CASE_PROGRESS_TYPES, ...CHANNEL_TYPES, ...STANDING_TYPES, indicators, encryptionKeyRotation, sighting].map((t) => [t.id, t]),
);

export function statementType(id: string): StatementTypeSpec | undefined {
  return STATEMENT_TYPES.get(id);
}

/** "/a/0/b" (TypeBox's JSON pointer) → "body.a[0].b" (how our errors name fields). */
function bodyPath(pointer: string): string {
  return 'body' + pointer.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('');
}

function checkSchema(schema: TSchema, body: StatementBody): void {
  if (bodyCheckFor(schema)(body)) return;
  const first = Value.Errors(schema, body).First();
  if (first) {
    const got = first.value === undefined ? 'nothing' : JSON.stringify(first.value)?.slice(0, 80);
    throw new ValidationError('body.schema', bodyPath(first.path), `${first.message} (got ${got})`);
  }
}

function checkCode(cb: Codebook, list: CodeList, code: unknown, path: string): void {
  if (typeof code !== 'string' || !hasCode(cb, list, code)) {
    throw new ValidationError('body.unknown-code', path, `${JSON.stringify(code)} is not a code of the ${list} list of this agreement's codebook`);
  }
}

function checkCodes(spec: StatementTypeSpec, body: StatementBody, cb: Codebook): void {
  for (const { field, list } of spec.codes) {
    const v = body[field];
    if (v === undefined) continue;
    if (Array.isArray(v)) v.forEach((c, i) => checkCode(cb, list, c, `body.${field}[${i}]`));
    else checkCode(cb, list, v, `body.${field}`);
  }
}

function partyIds(agreement: Agreement): Set<string> {
  return new Set(agreement.parties.map((p) => p.id));
}

function checkParties(s: Statement, agreement: Agreement): void {
  if (s.agreement !== agreement.id) throw new ValidationError('statement.agreement', 'agreement', `statement is for agreement "${s.agreement}", not "${agreement.id}"`);
  const parties = partyIds(agreement);
  if (!parties.has(s.author)) throw new ValidationError('statement.author', 'author', `"${s.author}" is not a party to the agreement`);
  s.to.forEach((p, i) => {
    if (!parties.has(p)) throw new ValidationError('statement.to', `to[${i}]`, `"${p}" is not a party to the agreement`);
  });
  s.refs.forEach((r, i) => {
    if (!parties.has(r.party)) throw new ValidationError('statement.refs', `refs[${i}].party`, `"${r.party}" is not a party to the agreement`);
  });
}

function checkCase(s: Statement, spec: StatementTypeSpec): void {
  if (spec.case === 'required' && s.case === null) throw new ValidationError('statement.case', 'case', `a ${spec.id} belongs to a case`);
  if (spec.case === 'none' && s.case !== null) throw new ValidationError('statement.case', 'case', `a ${spec.id} belongs to no case`);
}

function checkRefs(s: Statement, spec: StatementTypeSpec): void {
  const { min, max } = spec.refs;
  if (s.refs.length < min || s.refs.length > max) {
    const want = min === max ? `exactly ${min}` : `${min} to ${max}`;
    throw new ValidationError('statement.refs', 'refs', `a ${spec.id} refers to ${want} statement(s), this one to ${s.refs.length}`);
  }
  // Statements that answer one statement answer someone else's.
  if (spec.to === 'referenced-author' || spec.to === 'includes-referenced-author') {
    if (s.refs[0]?.party === s.author) throw new ValidationError('statement.refs', 'refs[0].party', `a ${spec.id} answers another party's statement`);
  }
}

function checkAddressees(s: Statement, spec: StatementTypeSpec, agreement: Agreement): void {
  const referenced = s.refs[0]?.party;
  switch (spec.to) {
    case 'all-others': {
      const others = agreement.parties.map((p) => p.id).filter((p) => p !== s.author).sort();
      if (s.to.join(',') !== others.join(',')) throw new ValidationError('statement.to', 'to', `a ${spec.id} is addressed to every other party (${others.join(', ')})`);
      break;
    }
    case 'referenced-author':
      if (s.to.length !== 1 || s.to[0] !== referenced) throw new ValidationError('statement.to', 'to', `a ${spec.id} is addressed to exactly the author of the statement it refers to ("${referenced}")`);
      break;
    case 'includes-referenced-author':
      if (referenced === undefined || !s.to.includes(referenced)) throw new ValidationError('statement.to', 'to', `a ${spec.id} is addressed to the author of the statement it answers ("${referenced}")`);
      break;
    case 'others':
      break;
  }
}

/**
 * Checks a statement against its type's rules, the agreement and the agreement's codebook. Throws ValidationError
 * naming the field (`body.severity`, `refs`, `to`…) and the rule: "statement.type", "statement.agreement",
 * "statement.author", "statement.to", "statement.case", "statement.refs", "body.schema", "body.unknown-code",
 * "body.tier", "body.window", "prior-notice.lead-time", and a few type-specific ones (see the bodies' files).
 * The lead time of a prior notice is checked last, so that a notice failing only that rule is otherwise valid.
 * A sealed body cannot be read here: only the envelope rules are checked, and that a type every witness must read
 * (sealing-policy.ts) is not sealed ("statement.sealed"). To check a sealed body, validate the statement with its
 * opened body in `body` (a node that can open it does).
 */
export function validateStatement(s: Statement, ctx: ValidationContext): void {
  const spec = STATEMENT_TYPES.get(s.type);
  if (!spec) throw new ValidationError('statement.type', 'type', `unknown statement type "${s.type}" (known: ${[...STATEMENT_TYPES.keys()].join(', ')})`);
  checkParties(s, ctx.agreement);
  checkCase(s, spec);
  checkRefs(s, spec);
  checkAddressees(s, spec, ctx.agreement);
  if (s.sealed !== undefined && PLAIN_TYPES.has(s.type)) throw new ValidationError('statement.sealed', 'sealed', `a ${s.type} is never sealed: every party must be able to read it`);
  if (s.body === undefined) return;
  checkSchema(spec.schema, s.body);
  checkCodes(spec, s.body, ctx.codebook);
  spec.check?.(s, s.body, ctx);
}
