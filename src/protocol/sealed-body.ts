/**
 * Sealed bodies: a statement's body readable only by its addressees and its author, while its envelope stays
 * signed and visible, so that every party still verifies, mirrors and witnesses every log (docs/protocol.md §2.1).
 *
 *   sealed = { suite, nonce, ciphertext, recipients: { <party>: { kid, enc, key } } }
 *
 * The body's canonical JSON is encrypted once with a fresh content key (AES-256-GCM, content-cipher.ts); the content
 * key is sealed to each recipient with HPKE (RFC 9180, mode base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-256-GCM). Both bind the envelope: the HPKE `info` and the AEAD's associated data are the sealing context,
 * "parley/sealed/v1\n" || JCS(the envelope without body, sealed and sig), so a sealed body copied into another
 * statement (another index, case, addressee list, time…) does not open.
 *
 * Pure: the random bytes come from the caller's `random(n)`, drawn in a fixed order (content key, nonce, then one
 * 32-byte ephemeral key seed per recipient in party order), so that a test can replay a sealing exactly.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { canonicalBytes, canonicalJson } from './canonical.js';
import { CONTENT_KEY_BYTES, CONTENT_NONCE_BYTES, CONTENT_TAG_BYTES, contentOpen, contentSeal } from './content-cipher.js';
import { fromUtf8, fromBase64, toBase64, utf8 } from './encoding.js';
import type { EncryptionKeyPair } from './encryption-key.js';
import { encryptionKeyId, X25519_KEY_BYTES } from './encryption-key.js';
import { FormatError, ProtocolError } from './errors.js';
import type { StatementBody, UnsignedStatement } from './statement.js';

export const SEALED_SUITE = 'hpke-base-x25519-sha256-aes256gcm';
export const SEALED_CONTEXT_PREFIX = 'parley/sealed/v1\n';
/** HPKE's ciphertext of a content key: the key and AES-GCM's tag. */
const WRAPPED_KEY_BYTES = CONTENT_KEY_BYTES + CONTENT_TAG_BYTES;
const KID_PATTERN = /^[0-9a-f]{8}$/;

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/** One recipient's share: which of its keys (`kid`), HPKE's encapsulated key and the content key sealed to it. */
export interface SealedRecipient {
  kid: string;
  enc: string;
  key: string;
}

export interface SealedForm {
  suite: typeof SEALED_SUITE;
  nonce: string;
  ciphertext: string;
  recipients: Record<string, SealedRecipient>;
}

/** The envelope a body is sealed into: everything of the statement but the body and the signature. */
export type SealingEnvelope = Omit<UnsignedStatement, 'body' | 'sealed'>;

/** A sealed body that this party cannot open: not a recipient, no matching key, or it does not authenticate. */
export class SealedBodyError extends ProtocolError {}

/** Who can open a statement's sealed body: its addressees and its author (who must read its own log after a restart). */
export function sealedRecipients(envelope: Pick<SealingEnvelope, 'author' | 'to'>): string[] {
  return [...new Set([...envelope.to, envelope.author])].sort();
}

/** The bytes both layers are bound to: the domain prefix and the canonical envelope. */
export function sealingContext(e: SealingEnvelope): Uint8Array {
  const { v, agreement, author, index, time, to, type, refs } = e;
  return utf8(SEALED_CONTEXT_PREFIX + canonicalJson({ v, agreement, author, index, time, to, type, case: e.case, refs }));
}

function fail(message: string): never {
  throw new FormatError('statement.sealed', `statement sealed: ${message}`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function exactKeys(x: Record<string, unknown>, keys: readonly string[], what: string): void {
  const have = Object.keys(x);
  if (have.length !== keys.length || !keys.every((k) => k in x)) fail(`${what} must have exactly ${keys.join(', ')}`);
}

function base64Of(x: unknown, bytes: number | 'at-least-tag', what: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64(x as string, what);
  } catch {
    fail(`${what} is not canonical, padded base64`);
  }
  if (bytes === 'at-least-tag' ? raw.byteLength < CONTENT_TAG_BYTES : raw.byteLength !== bytes) fail(`${what} has ${raw.byteLength} bytes`);
  return raw;
}

/**
 * Checks a sealed form's shape against its envelope (no key needed: every verifier does this). The recipients must
 * be exactly the addressees and the author: a body sealed to fewer would be unreadable to an addressee, and one
 * sealed to more would be read by a party the envelope does not name.
 */
export function checkSealedForm(x: unknown, envelope: Pick<SealingEnvelope, 'author' | 'to'>): SealedForm {
  if (!isPlainObject(x)) fail('must be a JSON object');
  exactKeys(x, ['suite', 'nonce', 'ciphertext', 'recipients'], 'the sealed form');
  if (x.suite !== SEALED_SUITE) fail(`unknown suite ${JSON.stringify(x.suite)} (this software reads "${SEALED_SUITE}")`);
  base64Of(x.nonce, CONTENT_NONCE_BYTES, 'nonce');
  base64Of(x.ciphertext, 'at-least-tag', 'ciphertext');
  if (!isPlainObject(x.recipients)) fail('recipients must be an object');
  const expected = sealedRecipients(envelope);
  const named = Object.keys(x.recipients).sort();
  if (named.join(',') !== expected.join(',')) fail(`recipients must be exactly the addressees and the author (${expected.join(', ')}), not ${named.join(', ') || 'none'}`);
  for (const party of named) {
    const r = x.recipients[party];
    if (!isPlainObject(r)) fail(`recipient ${party} must be an object`);
    exactKeys(r, ['kid', 'enc', 'key'], `recipient ${party}`);
    if (typeof r.kid !== 'string' || !KID_PATTERN.test(r.kid)) fail(`recipient ${party}: kid must be 8 lowercase hex digits`);
    base64Of(r.enc, X25519_KEY_BYTES, `recipient ${party} enc`);
    base64Of(r.key, WRAPPED_KEY_BYTES, `recipient ${party} key`);
  }
  return x as unknown as SealedForm;
}

async function wrapFor(publicKey: Uint8Array, context: Uint8Array, contentKey: Uint8Array, ephemeralSeed: Uint8Array): Promise<SealedRecipient> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(publicKey);
  // `ekm` derives the ephemeral key pair from caller-given bytes (RFC 9180 DeriveKeyPair): the only way to keep this pure.
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: context, ekm: ephemeralSeed }, contentKey, new Uint8Array(0));
  return { kid: encryptionKeyId(publicKey), enc: toBase64(new Uint8Array(enc)), key: toBase64(new Uint8Array(ct)) };
}

/**
 * Seals `body` into `envelope` for every recipient (sealedRecipients), with `keys` giving each recipient's current
 * X25519 public key. Throws FormatError "sealed.no-key" if a recipient has none.
 */
export async function sealBody(envelope: SealingEnvelope, body: StatementBody, keys: ReadonlyMap<string, Uint8Array>, random: (n: number) => Uint8Array): Promise<SealedForm> {
  const context = sealingContext(envelope);
  const recipients = sealedRecipients(envelope);
  for (const p of recipients) if (!keys.has(p)) throw new FormatError('sealed.no-key', `no encryption key for ${p}: cannot seal a body to it`);
  const contentKey = random(CONTENT_KEY_BYTES);
  const nonce = random(CONTENT_NONCE_BYTES);
  const ciphertext = await contentSeal(contentKey, nonce, canonicalBytes(body), context);
  const shares: Record<string, SealedRecipient> = {};
  for (const p of recipients) shares[p] = await wrapFor(keys.get(p)!, context, contentKey, random(X25519_KEY_BYTES));
  return { suite: SEALED_SUITE, nonce: toBase64(nonce), ciphertext: toBase64(ciphertext), recipients: shares };
}

function cannotOpen(rule: string, envelope: SealingEnvelope, why: string): never {
  throw new SealedBodyError(rule, `statement ${envelope.author}#${envelope.index}: the sealed body ${why}`);
}

async function unwrap(share: SealedRecipient, keyPair: EncryptionKeyPair, context: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const recipientKey = await suite.kem.deserializePrivateKey(keyPair.privateKey);
    return new Uint8Array(await suite.open({ recipientKey, enc: fromBase64(share.enc), info: context }, fromBase64(share.key), new Uint8Array(0)));
  } catch {
    return undefined;
  }
}

/**
 * Opens the sealed body of a statement as `party`, with any of that party's key pairs (old ones too, after a
 * rotation). Throws SealedBodyError: "sealed.not-recipient", "sealed.unknown-key", "sealed.open" (does not
 * authenticate: tampered, moved to another envelope, or sealed to another key), "sealed.body" (not a JSON object in
 * canonical form). The envelope's own shape is the caller's to check (checkEnvelope).
 */
export async function openSealedBody(statement: SealingEnvelope & { sealed?: unknown }, party: string, keyPairs: readonly EncryptionKeyPair[]): Promise<StatementBody> {
  const sealed = checkSealedForm(statement.sealed, statement);
  const share = sealed.recipients[party];
  if (share === undefined) cannotOpen('sealed.not-recipient', statement, `is not sealed to ${party}`);
  const keyPair = keyPairs.find((k) => k.id === share.kid);
  if (keyPair === undefined) cannotOpen('sealed.unknown-key', statement, `is sealed to ${party}'s key ${share.kid}, which this party does not hold`);
  const context = sealingContext(statement);
  const contentKey = await unwrap(share, keyPair, context);
  const plaintext = contentKey && (await contentOpen(contentKey, fromBase64(sealed.nonce), fromBase64(sealed.ciphertext), context));
  if (!plaintext) cannotOpen('sealed.open', statement, 'does not open: altered, moved from another statement, or sealed to another key');
  return bodyOf(plaintext, statement);
}

/** The plaintext must be a JSON object in canonical form: one body, one encoding, as if it had been signed in clear. */
function bodyOf(plaintext: Uint8Array, envelope: SealingEnvelope): StatementBody {
  const text = fromUtf8(plaintext);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    cannotOpen('sealed.body', envelope, 'is not JSON');
  }
  if (!isPlainObject(body) || canonicalJson(body) !== text) cannotOpen('sealed.body', envelope, 'is not a JSON object in canonical form');
  return body;
}
