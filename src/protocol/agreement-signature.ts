/**
 * When an agreement is in force. Every party signs the canonical form of the agreement:
 *   "parley/agreement/v1\n" || JCS(validated agreement, defaults written in)
 * and the agreement is in force once every party it lists has signed, each with the key the agreement itself
 * gives that party. The hash of those bytes names the version; an amendment is the next version, naming the hash
 * of the one before in `previous`, so the whole history forms a chain anyone can check.
 *
 * The amendment rule (see docs/agreement.md): version n+1 is in force when
 *  1. every party of version n+1 has signed it with its key in version n+1 (so a new key is proven held), and
 *  2. every party of version n has signed it with its key in version n — the key the others trusted until then.
 * Rule 2 is what stops the others from amending a party away, or replacing its key with one they hold:
 * neither can happen without a signature only that party could make. A party whose key does not change
 * meets both rules with one signature; a party that changes its key or leaves adds a signature with its
 * previous key in `previousKeySignatures`.
 */
import type { Agreement } from './agreement.js';
import { isRecord } from './agreement-problems.js';
import { validateAgreement } from './agreement-validation.js';
import { canonicalBytes } from './canonical.js';
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from './encoding.js';
import { FormatError, SignatureError, ValidationError } from './errors.js';
import { sha256 } from './hash.js';
import { sign, verify, type PublicKey, type SigningKey } from './keys.js';
import { parseVerifierKey } from './note-key.js';

export const AGREEMENT_SIGNING_PREFIX = 'parley/agreement/v1\n';

export interface AgreementSignature {
  party: string;
  /** Base64 Ed25519 signature over the agreement's signing bytes. */
  sig: string;
}

export interface SignedAgreement {
  agreement: Agreement;
  /** One per party of this version, each by the key this version gives that party. */
  signatures: AgreementSignature[];
  /**
   * Amendments only: signatures over this version by parties of the previous version, with the key the previous
   * version gives them — needed from each party that changes its key or leaves (see rule 2 above).
   */
  previousKeySignatures?: AgreementSignature[];
}

export interface AgreementStatus {
  /** Every party has signed. */
  inForce: boolean;
  /** The parties whose valid signature is present, in the agreement's order. */
  signed: string[];
  /** The parties whose signature is absent, in the agreement's order. */
  missing: string[];
  /** The version's hash (agreementHash). */
  hash: string;
  /** The validated agreement, defaults written in. */
  agreement: Agreement;
}

/** The signing bytes of an agreement already validated (and so already complete). */
function signingBytesOfValid(valid: Agreement): Uint8Array {
  return concatBytes(utf8(AGREEMENT_SIGNING_PREFIX), canonicalBytes(valid));
}

/**
 * The bytes each party signs: the prefix and the canonical JSON of the validated agreement. Validating first means
 * an agreement written with or without its defaults has one set of signing bytes, and that nobody signs a document
 * the others' software would refuse. Throws AgreementValidationError for an invalid agreement.
 */
export function agreementSigningBytes(a: Agreement): Uint8Array {
  return signingBytesOfValid(validateAgreement(a));
}

/** The version's name: lowercase hex SHA-256 of its signing bytes. An amendment's `previous` is this. */
export function agreementHash(a: Agreement): string {
  return toHex(sha256(agreementSigningBytes(a)));
}

/** The public key `a` gives the party, or a SignatureError if the party is not one of `a`'s. */
function partyKey(a: Agreement, party: unknown, where: string): PublicKey {
  const p = a.parties.find((x) => x.id === party);
  if (!p) throw new SignatureError('agreement.signer', `${where}: ${JSON.stringify(party)} is not a party to version ${a.version} of agreement "${a.id}"`);
  return parseVerifierKey(p.signingKey).publicKey;
}

function signWith(valid: Agreement, keyHolder: Agreement, partyId: string, key: SigningKey): AgreementSignature {
  const expected = partyKey(keyHolder, partyId, 'signing');
  // A signature the others would refuse is worse than none: it looks like consent and is not.
  if (!bytesEqual(expected.raw, key.publicKey.raw)) {
    throw new SignatureError('agreement.wrong-key', `the key given is not the one version ${keyHolder.version} of agreement "${keyHolder.id}" lists for "${partyId}"`);
  }
  return { party: partyId, sig: toBase64(sign(key, signingBytesOfValid(valid))) };
}

/** A party's signature on an agreement, with the key that agreement lists for the party. */
export function signAgreement(a: Agreement, partyId: string, key: SigningKey): AgreementSignature {
  const valid = validateAgreement(a);
  return signWith(valid, valid, partyId, key);
}

/**
 * A party's signature on an amendment with the key the previous version lists for it: its consent, required when
 * the amendment changes its key or removes it (see rule 2 above).
 */
export function signWithPreviousKey(amendment: Agreement, previous: Agreement, partyId: string, key: SigningKey): AgreementSignature {
  return signWith(validateAgreement(amendment), validateAgreement(previous), partyId, key);
}

function checkSignatureList(x: unknown, field: string): AgreementSignature[] {
  if (!Array.isArray(x)) throw new FormatError('agreement.signed-form', `"${field}" must be a list of { party, sig }`);
  x.forEach((s, i) => {
    if (!isRecord(s) || Object.keys(s).length !== 2 || typeof s.party !== 'string' || typeof s.sig !== 'string') {
      throw new FormatError('agreement.signed-form', `${field}[${i}] must be exactly { party, sig } with two strings`);
    }
  });
  return x as AgreementSignature[];
}

const SIGNED_FIELDS = new Set(['agreement', 'signatures', 'previousKeySignatures']);

function checkSignedShape(s: unknown): SignedAgreement {
  if (!isRecord(s)) throw new FormatError('agreement.signed-form', 'a signed agreement is an object { agreement, signatures }');
  for (const k of Object.keys(s)) if (!SIGNED_FIELDS.has(k)) throw new FormatError('agreement.signed-form', `unknown field "${k}" in the signed agreement`);
  if (!('agreement' in s)) throw new FormatError('agreement.signed-form', 'the signed agreement has no "agreement"');
  checkSignatureList(s.signatures, 'signatures');
  if (s.previousKeySignatures !== undefined) checkSignatureList(s.previousKeySignatures, 'previousKeySignatures');
  return s as unknown as SignedAgreement;
}

/**
 * Verifies each signature against the key `keyHolder` gives its party; returns the parties that signed.
 * A bad signature, a second one by the same party, or one by a non-party is an error: each could only be a
 * mistake or tampering, and reporting it as merely "missing" would hide which.
 */
function verifySignatures(list: AgreementSignature[], field: string, keyHolder: Agreement, bytes: Uint8Array): Set<string> {
  const signed = new Set<string>();
  list.forEach((s, i) => {
    const where = `${field}[${i}]`;
    const key = partyKey(keyHolder, s.party, where);
    if (signed.has(s.party)) throw new FormatError('agreement.duplicate-signature', `${where}: "${s.party}" has already signed`);
    let sig: Uint8Array;
    try {
      sig = fromBase64(s.sig, 'the signature');
    } catch {
      throw new SignatureError('agreement.signature', `${where}: the signature of "${s.party}" is not valid base64`);
    }
    if (!verify(key, bytes, sig)) {
      throw new SignatureError('agreement.signature', `${where}: the signature of "${s.party}" does not verify with its key in version ${keyHolder.version} of agreement "${keyHolder.id}"`);
    }
    signed.add(s.party);
  });
  return signed;
}

/**
 * Checks a signed agreement on its own: the agreement is valid, and every signature present verifies with the key
 * the agreement lists for its party. In force when every party has signed. (`previousKeySignatures` can only be
 * checked against the previous version: see verifyAgreementHistory.)
 */
export function checkSignedAgreement(s: SignedAgreement): AgreementStatus {
  const shaped = checkSignedShape(s);
  const agreement = validateAgreement(shaped.agreement);
  const bytes = signingBytesOfValid(agreement);
  const signedSet = verifySignatures(shaped.signatures, 'signatures', agreement, bytes);
  const ids = agreement.parties.map((p) => p.id);
  const missing = ids.filter((id) => !signedSet.has(id));
  return { inForce: missing.length === 0, signed: ids.filter((id) => signedSet.has(id)), missing, hash: toHex(sha256(bytes)), agreement };
}

/** Rule 2: every party of the previous version consented with the key it had there. */
function checkConsent(i: number, v: SignedAgreement, now: AgreementStatus, before: AgreementStatus): void {
  const bytes = signingBytesOfValid(now.agreement);
  const withPreviousKey = verifySignatures(v.previousKeySignatures ?? [], `versions[${i}].previousKeySignatures`, before.agreement, bytes);
  for (const p of before.agreement.parties) {
    const current = now.agreement.parties.find((x) => x.id === p.id);
    const consentedWithSameKey = current !== undefined && current.signingKey === p.signingKey && now.signed.includes(p.id);
    if (consentedWithSameKey || withPreviousKey.has(p.id)) continue;
    const why = current === undefined ? 'it is no longer a party' : 'its key changes';
    throw new SignatureError(
      'agreement.amendment-consent',
      `version ${now.agreement.version} of agreement "${now.agreement.id}": ${why}, so "${p.id}" must sign it with its key from version ${before.agreement.version} (previousKeySignatures)`,
    );
  }
}

function requireInForce(i: number, status: AgreementStatus): void {
  if (!status.inForce) {
    throw new ValidationError('agreement.not-in-force', `versions[${i}].signatures`, `version ${status.agreement.version} is not in force: no signature from ${status.missing.join(', ')}`);
  }
}

/** The links between consecutive versions: same agreement, next number, `previous` naming the one before. */
function checkLink(i: number, now: AgreementStatus, before: AgreementStatus | undefined): void {
  const a = now.agreement;
  if (a.version !== i + 1) {
    throw new ValidationError('agreement.history-order', `versions[${i}].agreement.version`, `expected version ${i + 1} here, found version ${a.version}: versions must be given 1, 2, 3, … in order`);
  }
  if (!before) return;
  if (a.id !== before.agreement.id) {
    throw new ValidationError('agreement.history-id', `versions[${i}].agreement.id`, `version ${a.version} belongs to agreement "${a.id}", not "${before.agreement.id}"`);
  }
  if (a.previous !== before.hash) {
    throw new ValidationError('agreement.history-chain', `versions[${i}].agreement.previous`, `version ${a.version} names ${a.previous} as its previous version, but version ${before.agreement.version} hashes to ${before.hash}`);
  }
}

/**
 * Checks the whole history of an agreement, versions 1..n in order: each valid and in force, each amendment
 * naming the hash of the version before, and consented to by every party of that version (rule 2 above).
 * Returns the last version: the one in force.
 */
export function verifyAgreementHistory(versions: SignedAgreement[]): SignedAgreement {
  if (!Array.isArray(versions) || versions.length === 0) throw new ValidationError('agreement.history-empty', 'versions', 'no versions given: the history starts with version 1');
  let before: AgreementStatus | undefined;
  versions.forEach((v, i) => {
    const now = checkSignedAgreement(v);
    checkLink(i, now, before);
    requireInForce(i, now);
    if (before) checkConsent(i, v, now, before);
    else if (v.previousKeySignatures !== undefined) throw new FormatError('agreement.signed-form', 'version 1 has no previous version, so no previousKeySignatures');
    before = now;
  });
  return versions[versions.length - 1] as SignedAgreement;
}
