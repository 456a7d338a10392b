/**
 * The rules on parties and their points of contact. A party's key and node are what every other party will trust
 * for the life of the agreement, so they are checked strictly here, once, before anyone signs.
 */
import { TIERS } from './agreement.js';
import { checkLanguageList, requireTexts } from './agreement-languages.js';
import { arrayAt, recordAt, reportDuplicates, stringAt, type Problems } from './agreement-problems.js';
import { toHex } from './encoding.js';
import { parseEncryptionKey } from './encryption-key.js';
import { ED25519_TYPE, parseVerifierKey } from './note-key.js';
import { ID_PATTERN } from './statement.js';

/** SHA-256 of the DER of a TLS certificate, lowercase hex. */
export const TLS_FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;
/** Tiers every party must staff whatever the ladder says: the CERT-to-CERT and the diplomatic channel. */
export const REQUIRED_TIERS = ['technical', 'diplomatic'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
/** International format: "+", then digits with optional spaces, hyphens or parentheses; 8 to 15 digits (E.164). */
const PHONE = /^\+[0-9][0-9 ()-]*[0-9]$/;

/** What the later checks need to know about the parties. */
export interface PartyFacts {
  /** Working languages by party id (well-formed tags only). */
  languages: Map<string, string[]>;
}

function checkNode(problems: Problems, node: unknown, path: string): void {
  if (typeof node !== 'string') return;
  let url: URL;
  try {
    url = new URL(node);
  } catch {
    problems.add(path, 'agreement.url', `${JSON.stringify(node)} is not a URL`);
    return;
  }
  if (url.protocol !== 'https:') problems.add(path, 'agreement.url', `the node URL must use https, not ${url.protocol.replace(':', '')}`);
  else if (url.username || url.password || url.search || url.hash) problems.add(path, 'agreement.url', 'the node URL must not carry credentials, a query or a fragment');
}

/** Parses the verifier key and returns its raw key in hex (for the duplicate check), or undefined if it is refused. */
function checkSigningKey(problems: Problems, vkey: unknown, path: string, expectedName: string | undefined): string | undefined {
  if (typeof vkey !== 'string') return undefined;
  let key;
  try {
    key = parseVerifierKey(vkey);
  } catch (e) {
    problems.add(path, 'agreement.key', `not a C2SP verifier key: ${(e as Error).message}`);
    return undefined;
  }
  if (key.type !== ED25519_TYPE) {
    problems.add(path, 'agreement.key', `the signing key must be of type Ed25519 (0x01), not 0x${key.type.toString(16).padStart(2, '0')}`);
    return undefined;
  }
  if (expectedName !== undefined && key.name !== expectedName) problems.add(path, 'agreement.key-name', `the key is named "${key.name}"; it must be named "${expectedName}" (<agreement id>/<party id>)`);
  return toHex(key.key);
}

/** Returns the key as given (for the duplicate check), or undefined if it is refused. */
function checkEncryptionKey(problems: Problems, value: unknown, path: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    parseEncryptionKey(value);
    return value;
  } catch (e) {
    problems.add(path, 'agreement.encryption-key', `not an X25519 key in base64: ${(e as Error).message}`);
    return undefined;
  }
}

/** Checks every party; returns their ids and languages for the contact checks. */
export function checkParties(problems: Problems, doc: Record<string, unknown>, agreementLanguages: ReadonlySet<string>): PartyFacts {
  const agreementId = stringAt(doc.id) ?? '';
  const parties = arrayAt(doc.parties).map(recordAt);
  if (Array.isArray(doc.parties) && parties.length < 2) problems.add('parties', 'agreement.too-few-parties', `an agreement needs at least two parties, this one has ${parties.length}`);
  const facts: PartyFacts = { languages: new Map() };
  const ids: (string | undefined)[] = [];
  const keys: (string | undefined)[] = [];
  const encryptionKeys: (string | undefined)[] = [];
  parties.forEach((p, i) => {
    const at = `parties[${i}]`;
    const id = stringAt(p.id);
    if (id !== undefined && !ID_PATTERN.test(id)) problems.add(`${at}.id`, 'agreement.id', `${JSON.stringify(id)} is not an id (lowercase letters, digits and hyphens, starting with a letter)`);
    ids.push(id);
    const languages = checkLanguageList(problems, p.languages, `${at}.languages`, { tags: agreementLanguages, whose: "the agreement's" });
    if (id !== undefined && !facts.languages.has(id)) facts.languages.set(id, languages);
    requireTexts(problems, p.names, `${at}.names`, languages, `the name of party "${id ?? i}"`);
    checkNode(problems, p.node, `${at}.node`);
    keys.push(checkSigningKey(problems, p.signingKey, `${at}.signingKey`, id === undefined ? undefined : `${agreementId}/${id}`));
    const fp = stringAt(p.tlsFingerprint);
    if (fp !== undefined && !TLS_FINGERPRINT_PATTERN.test(fp)) problems.add(`${at}.tlsFingerprint`, 'agreement.fingerprint', 'must be the SHA-256 of the certificate, 64 lowercase hex digits');
    encryptionKeys.push(checkEncryptionKey(problems, p.encryptionKey, `${at}.encryptionKey`));
  });
  reportDuplicates(problems, ids, (i) => `parties[${i}].id`, 'agreement.duplicate-id', 'party id');
  // Two parties with one key could sign for each other: the agreement would not say who said what.
  reportDuplicates(problems, keys, (i) => `parties[${i}].signingKey`, 'agreement.duplicate-key', 'the Ed25519 key');
  // One key for two parties would let each read what is sealed to the other.
  reportDuplicates(problems, encryptionKeys, (i) => `parties[${i}].encryptionKey`, 'agreement.duplicate-key', 'the encryption key');
  reportDuplicates(problems, parties.map((p) => stringAt(p.tlsFingerprint)), (i) => `parties[${i}].tlsFingerprint`, 'agreement.duplicate-fingerprint', 'TLS fingerprint');
  reportDuplicates(problems, parties.map((p) => stringAt(p.node)), (i) => `parties[${i}].node`, 'agreement.duplicate-node', 'node URL');
  return facts;
}

function checkChannels(problems: Problems, c: Record<string, unknown>, at: string): void {
  const email = stringAt(c.email);
  const phone = stringAt(c.phone);
  if (c.email === undefined && c.phone === undefined) problems.add(at, 'agreement.missing-channel', 'a point of contact needs an e-mail address or a phone number');
  if (email !== undefined && !EMAIL.test(email)) problems.add(`${at}.email`, 'agreement.email', `${JSON.stringify(email)} is not an e-mail address`);
  if (phone !== undefined) {
    const digits = phone.replace(/\D/g, '').length;
    if (!PHONE.test(phone) || digits < 8 || digits > 15) problems.add(`${at}.phone`, 'agreement.phone', `${JSON.stringify(phone)} is not a phone number in international format, like "+7 495 123-45-67"`);
  }
}

/** Checks each point of contact, then that every party can be reached at each tier it must staff. */
export function checkContacts(problems: Problems, doc: Record<string, unknown>, parties: PartyFacts): void {
  const staffed = new Set<string>();
  arrayAt(doc.contacts).map(recordAt).forEach((c, i) => {
    const at = `contacts[${i}]`;
    const party = stringAt(c.party);
    const tier = stringAt(c.tier);
    const partyLanguages = party === undefined ? undefined : parties.languages.get(party);
    if (party !== undefined && partyLanguages === undefined) problems.add(`${at}.party`, 'agreement.unknown-party', `"${party}" is not a party to the agreement`);
    if (tier !== undefined && !(TIERS as readonly string[]).includes(tier)) problems.add(`${at}.tier`, 'agreement.tier', `"${tier}" is not a tier (${TIERS.join(', ')})`);
    const allowed = partyLanguages && { tags: new Set(partyLanguages), whose: `party "${party}"'s working` };
    checkLanguageList(problems, c.languages, `${at}.languages`, allowed);
    checkChannels(problems, c, at);
    if (party !== undefined && tier !== undefined) staffed.add(`${party}/${tier}`);
  });
  const ladder = arrayAt(recordAt(doc.escalation).ladder).filter((t): t is string => (TIERS as readonly string[]).includes(t as string));
  const tiers = [...new Set([...REQUIRED_TIERS, ...ladder])];
  for (const party of parties.languages.keys()) {
    for (const tier of tiers) {
      if (!staffed.has(`${party}/${tier}`)) problems.add('contacts', 'agreement.missing-contact', `party "${party}" has no ${tier} point of contact`);
    }
  }
}
