/**
 * The statement: the signed envelope every party's log is made of (format version 1).
 *
 * A statement is signed by its author over  "parley/statement/v1\n" || JCS(envelope without "sig"),
 * and enters the author's Merkle log as the leaf  JCS(envelope with "sig").
 * Its hash — the RFC 6962 leaf hash of that leaf, in lowercase hex — is how other statements refer to it.
 * See docs/protocol.md for the normative description.
 */
import { Buffer } from 'node:buffer';
import { canonicalBytes, canonicalJson, canonicalJsonOfParsed, isCanonicalTextOf } from './canonical.js';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from './encoding.js';
import { FormatError, SignatureError } from './errors.js';
import { sign, verify, type PublicKey, type SigningKey } from './keys.js';
import { leafHash } from './merkle.js';
import { checkSealedForm, type SealedForm } from './sealed-body.js';

export const STATEMENT_VERSION = 1 as const;
export const STATEMENT_SIGNING_PREFIX = 'parley/statement/v1\n';

/** Party, agreement and statement-type identifiers: lowercase, starting with a letter. */
export const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Case identifiers: chosen by the party that opens the case, prefixed by that party's id. */
export const CASE_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}:[A-Za-z0-9._-]{1,64}$/;
/** RFC 3339 in UTC with exactly millisecond precision, as Date.prototype.toISOString writes it. */
export const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A statement hash: 32 bytes in lowercase hex. */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** A reference to a statement in any party's log: where it is, and the hash it must have. */
export interface StatementRef {
  party: string;
  index: number;
  hash: string;
}

/**
 * A body sealed to the addressees and the author (sealed-body.ts; docs/protocol.md §2.1).
 * A signed statement carries exactly one of `body` and `sealed`; a node that opened a sealed body hands out the
 * statement with both (the opened `body` beside the signed `sealed`), never storing or sending it so.
 */
export type SealedBody = SealedForm;

export type StatementBody = { [key: string]: unknown };

export interface UnsignedStatement {
  v: typeof STATEMENT_VERSION;
  agreement: string;
  author: string;
  index: number;
  time: string;
  to: string[];
  type: string;
  case: string | null;
  refs: StatementRef[];
  body?: StatementBody;
  sealed?: SealedBody;
}

export interface Statement extends UnsignedStatement {
  /** Base64 Ed25519 signature by the author over the signing bytes. */
  sig: string;
}

/** What a statement looks like once parsed and hashed: kept together so the hash is computed once. */
export interface HashedStatement {
  statement: Statement;
  /** The Merkle leaf data: JCS of the signed statement. */
  leaf: Uint8Array;
  /** The RFC 6962 leaf hash of `leaf`. */
  leafHash: Uint8Array;
  /** `leafHash` in lowercase hex: the statement's identity. */
  hash: string;
}

const ENVELOPE_FIELDS = new Set(['v', 'agreement', 'author', 'index', 'time', 'to', 'type', 'case', 'refs', 'body', 'sealed', 'sig']);

function fail(field: string, message: string): never {
  throw new FormatError(`statement.${field}`, `statement ${field}: ${message}`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkRef(r: unknown, i: number): StatementRef {
  if (!isPlainObject(r)) fail('refs', `entry ${i} is not an object`);
  const keys = Object.keys(r);
  if (keys.length !== 3 || !('party' in r) || !('index' in r) || !('hash' in r)) fail('refs', `entry ${i} must have exactly party, index and hash`);
  if (typeof r.party !== 'string' || !ID_PATTERN.test(r.party)) fail('refs', `entry ${i} has an invalid party id`);
  if (!Number.isSafeInteger(r.index) || (r.index as number) < 0) fail('refs', `entry ${i} has an invalid index`);
  if (typeof r.hash !== 'string' || !HASH_PATTERN.test(r.hash)) fail('refs', `entry ${i} hash must be 64 lowercase hex digits`);
  return r as unknown as StatementRef;
}

/**
 * Checks the envelope's shape (not its signature, nor its body: see statement-types for bodies).
 * Returns the same object, typed. Unknown fields are refused: in version 1 they could only be tampering.
 */
export function checkEnvelope(x: unknown, signed: boolean): UnsignedStatement {
  if (!isPlainObject(x)) throw new FormatError('statement.shape', 'statement is not a JSON object');
  for (const k of Object.keys(x)) {
    if (!ENVELOPE_FIELDS.has(k) || (k === 'sig' && !signed)) fail('shape', `unknown field "${k}"`);
  }
  if (x.v !== STATEMENT_VERSION) fail('v', `unsupported format version ${JSON.stringify(x.v)} (this software reads version ${STATEMENT_VERSION})`);
  if (typeof x.agreement !== 'string' || !ID_PATTERN.test(x.agreement)) fail('agreement', 'must be an agreement id');
  if (typeof x.author !== 'string' || !ID_PATTERN.test(x.author)) fail('author', 'must be a party id');
  if (!Number.isSafeInteger(x.index) || (x.index as number) < 0) fail('index', 'must be a non-negative integer');
  if (typeof x.time !== 'string' || !TIME_PATTERN.test(x.time) || Number.isNaN(Date.parse(x.time))) {
    fail('time', 'must be a UTC time like 2026-11-22T03:00:00.000Z');
  }
  if (!Array.isArray(x.to) || x.to.length === 0) fail('to', 'must list at least one addressee');
  for (let i = 0; i < x.to.length; i++) {
    const p = x.to[i];
    if (typeof p !== 'string' || !ID_PATTERN.test(p)) fail('to', `entry ${i} is not a party id`);
    if (i > 0 && !((x.to[i - 1] as string) < p)) fail('to', 'addressees must be sorted and unique');
    if (p === x.author) fail('to', 'the author cannot address itself');
  }
  if (typeof x.type !== 'string' || !ID_PATTERN.test(x.type)) fail('type', 'must be a statement type id');
  if (x.case !== null && (typeof x.case !== 'string' || !CASE_ID_PATTERN.test(x.case))) fail('case', 'must be null or a case id like "avalon:2026-0001"');
  if (!Array.isArray(x.refs)) fail('refs', 'must be an array');
  x.refs.forEach(checkRef);
  const hasBody = 'body' in x;
  const hasSealed = 'sealed' in x;
  if (hasBody === hasSealed) fail('body', 'exactly one of "body" and "sealed" must be present');
  if (hasBody && !isPlainObject(x.body)) fail('body', 'must be a JSON object');
  if (hasSealed) checkSealedForm(x.sealed, { author: x.author as string, to: x.to as string[] });
  if (signed && typeof x.sig !== 'string') fail('sig', 'is missing');
  return x as unknown as UnsignedStatement;
}

/** The bytes the author signs. */
export function statementSigningBytes(unsigned: UnsignedStatement): Uint8Array {
  const { sig: _ignored, ...rest } = unsigned as Statement;
  return concatBytes(utf8(STATEMENT_SIGNING_PREFIX), canonicalBytes(rest));
}

/**
 * Signs a statement (a signature already on it is replaced). The envelope is checked first:
 * nobody signs what a verifier would refuse.
 */
export function signStatement(statement: UnsignedStatement, key: SigningKey): HashedStatement {
  const { sig: _old, ...unsigned } = statement as Statement;
  checkEnvelope(unsigned, false);
  return withSignatureParts(unsigned, signCanonical(canonicalJson(unsigned), key));
}

/** What signing a statement produces besides the statement itself. */
export interface SignatureParts {
  sig: string;
  /** The signed statement's JCS, as UTF-8: the Merkle leaf. */
  leaf: Uint8Array;
  leafHash: Uint8Array;
}

/**
 * Signs an unsigned statement given as its canonical text, which the caller checked (signStatement checks it; the
 * node's signing threads sign what the node checked). No parse, no second canonicalization.
 */
export function signCanonical(unsignedText: string, key: SigningKey): SignatureParts {
  const sig = toBase64(sign(key, utf8(STATEMENT_SIGNING_PREFIX + unsignedText)));
  const leaf = utf8(withSignature(unsignedText, sig));
  return { sig, leaf, leafHash: leafHash(leaf) };
}

/** The signed statement from the unsigned one and what signCanonical made of its text. */
export function withSignatureParts(unsigned: UnsignedStatement, parts: SignatureParts): HashedStatement {
  return { statement: { ...unsigned, sig: parts.sig }, leaf: parts.leaf, leafHash: parts.leafHash, hash: toHex(parts.leafHash) };
}

/** Computes a signed statement's leaf and hash (no signature check). */
export function hashStatement(statement: Statement): HashedStatement {
  return hashedFromLeafText(statement, leafAndSigningTexts(statement, false).leafText);
}

function hashedFromLeafText(statement: Statement, leafText: string): HashedStatement {
  const leaf = utf8(leafText);
  const lh = leafHash(leaf);
  return { statement, leaf, leafHash: lh, hash: toHex(lh) };
}

/**
 * The signed statement's JCS text from the unsigned one's: in JCS order "sig" sorts just before "time", and nothing
 * after the top-level "time" (to, type, v) can hold an object, so the last ',"time":' is where the signature goes.
 */
function withSignature(unsignedText: string, sig: string): string {
  const at = unsignedText.lastIndexOf(',"time":');
  return `${unsignedText.slice(0, at)},"sig":${JSON.stringify(sig)}${unsignedText.slice(at)}`;
}

/** The leaf and the signing bytes together, canonicalizing once (the audit does this for every statement). */
function leafAndSigningTexts(statement: Statement, parsed: boolean): { leafText: string; signingText: string } {
  const { sig, ...unsigned } = statement;
  const unsignedText = parsed ? canonicalJsonOfParsed(unsigned) : canonicalJson(unsigned);
  return { leafText: withSignature(unsignedText, sig), signingText: STATEMENT_SIGNING_PREFIX + unsignedText };
}

/** When `text` is already the statement's leaf (canonical, as exports are written), the texts are cut from it. */
function textsFromCanonical(statement: Statement, text: string): { leafText: string; signingText: string } | undefined {
  if (!isCanonicalTextOf(text, statement)) return undefined;
  const at = text.lastIndexOf(',"time":');
  const sig = `,"sig":${JSON.stringify(statement.sig)}`;
  if (text.slice(at - sig.length, at) !== sig) return undefined;
  return { leafText: text, signingText: STATEMENT_SIGNING_PREFIX + text.slice(0, at - sig.length) + text.slice(at) };
}

/**
 * What the audit needs of a statement fresh from JSON.parse: its leaf hash and the bytes its signature covers.
 * `text`, if given, is the JSON the statement was parsed from: when it is canonical (the export writes it so),
 * nothing is canonicalized again. The bytes are short-lived views (no copies): the audit's hot path.
 */
export function statementDigest(statement: Statement, text?: string): { leafHash: Uint8Array; signingBytes: Uint8Array } {
  const { leafText, signingText } = (text !== undefined && textsFromCanonical(statement, text)) || leafAndSigningTexts(statement, true);
  return { leafHash: leafHash(Buffer.from(leafText, 'utf8')), signingBytes: Buffer.from(signingText, 'utf8') };
}

/** Parses and checks a signed statement from JSON text or a parsed value, and computes its hash. */
export function parseStatement(input: string | unknown): HashedStatement {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new FormatError('statement.json', `statement is not valid JSON: ${(e as Error).message}`);
    }
  }
  checkEnvelope(value, true);
  return hashStatement(value as Statement);
}

/** Verifies the author's signature; throws SignatureError naming the statement if it does not hold. */
export function verifyStatementSignature(statement: Statement, authorKey: PublicKey, signingBytes = statementSigningBytes(statement)): void {
  let sig: Uint8Array;
  try {
    sig = fromBase64(statement.sig, 'signature');
  } catch {
    throw new SignatureError('statement.signature', `statement ${statement.author}#${statement.index}: signature is not valid base64`);
  }
  if (!verify(authorKey, signingBytes, sig)) {
    throw new SignatureError('statement.signature', `statement ${statement.author}#${statement.index}: signature does not verify with ${statement.author}'s key`);
  }
}

/**
 * Verifies the author's signature on a parsed statement, taking the signed bytes from its leaf (the canonical signed
 * statement, from which the signature is cut where withSignature put it) instead of canonicalizing the statement
 * again: the push path checks every statement this way. Throws SignatureError as verifyStatementSignature does.
 */
export function verifyHashedSignature(h: HashedStatement, authorKey: PublicKey): void {
  verifyStatementSignature(h.statement, authorKey, signingBytesFromLeaf(h) ?? statementSigningBytes(h.statement));
}

/** The signed bytes cut from the leaf, or undefined when the leaf is not laid out as withSignature writes it. */
function signingBytesFromLeaf(h: HashedStatement): Uint8Array | undefined {
  const text = Buffer.from(h.leaf.buffer, h.leaf.byteOffset, h.leaf.byteLength).toString('utf8');
  const at = text.lastIndexOf(',"time":');
  const sig = `,"sig":${JSON.stringify(h.statement.sig)}`;
  if (at < sig.length || text.slice(at - sig.length, at) !== sig) return undefined;
  return Buffer.from(STATEMENT_SIGNING_PREFIX + text.slice(0, at - sig.length) + text.slice(at), 'utf8');
}

/** A reference to this statement, for another statement's `refs`. */
export function refTo(s: HashedStatement): StatementRef {
  return { party: s.statement.author, index: s.statement.index, hash: s.hash };
}
