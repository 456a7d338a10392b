/**
 * The agreement document: the parties, their nodes and keys, points of contact, deadlines, escalation,
 * communication checks, the review cycle, the term, commitments and the codebook — what the software enforces.
 *
 * (Types fixed here first so that the case fold and the node can be written against them;
 *  parsing, validation, signing and amendments are completed in this folder.)
 */

/** The three escalation tiers of the domain. */
export type Tier = 'technical' | 'diplomatic' | 'political';
export const TIERS: readonly Tier[] = ['technical', 'diplomatic', 'political'];

/** The languages Parley ships labels for; an agreement may name others, with labels supplied. */
export type LanguageTag = string;

/** A text in several languages, keyed by language tag: { "en": "…", "ru": "…" }. */
export type LocalizedText = Record<LanguageTag, string>;

export interface Party {
  /** Party id, as used in statements (ID_PATTERN). */
  id: string;
  /** The party's name in each of its working languages (at least). */
  names: LocalizedText;
  /** Working languages, e.g. ["en", "ru"]. */
  languages: LanguageTag[];
  /** The base URL of the party's node (https). */
  node: string;
  /** The party's Ed25519 key as a C2SP verifier key (type 0x01), named "<agreement id>/<party id>". */
  signingKey: string;
  /** SHA-256 of the DER of the node's TLS certificate, lowercase hex: pins the peer for mutual TLS. */
  tlsFingerprint: string;
  /** The party's X25519 key that bodies are sealed to (sealed-body.ts): standard base64 of the 32 raw bytes. */
  encryptionKey: string;
}

export interface Contact {
  party: string;
  tier: Tier;
  agency: string;
  role: string;
  name: string;
  email?: string;
  phone?: string;
  languages: LanguageTag[];
  /** When the contact can be reached, e.g. "24/7" or "Mo-Fr 09:00-18:00 Europe/Paris". */
  hours: string;
}

/** ISO 8601 duration, e.g. "PT4H", "P3D". */
export type IsoDuration = string;

export interface Deadlines {
  /** Time for a human acknowledgement after a notification is delivered, per severity code. */
  acknowledgement: Record<string, IsoDuration>;
  /** Time for a response to a request (information / assistance), per severity code. */
  response: Record<string, IsoDuration>;
  /** Minimum lead time of a prior notice before its window opens. Default "P3D" (INCSEA practice). */
  priorNoticeLeadTime: IsoDuration;
}

export interface Escalation {
  /** The ladder, lowest first, e.g. ["technical", "diplomatic", "political"]. */
  ladder: Tier[];
  /** Whether an overdue case moves to the next tier automatically. */
  onOverdue: 'escalate' | 'remind';
}

export interface CommunicationChecks {
  /** How often the scheduled check runs, e.g. "P7D". */
  every: IsoDuration;
  /** How long a party has to answer a check. */
  answerWithin: IsoDuration;
  /** Whether the node answers automatically or a person must. */
  answeredBy: 'node' | 'person';
}

export interface Review {
  /** The review cycle, e.g. "P1Y". */
  cycle: IsoDuration;
  /** The month (1–12) of the annual review meeting. */
  month?: number;
}

export interface Term {
  /** Date the agreement takes effect, YYYY-MM-DD. */
  start: string;
  duration: IsoDuration;
  renewal: 'automatic' | 'none';
  noticeToTerminate: IsoDuration;
}

export interface Commitment {
  id: string;
  text: LocalizedText;
  /** Reaffirmed as a signed statement at each review. */
  reaffirm: 'each-review' | 'once';
}

export interface CodebookReference {
  /** The version of Parley's base codebook the agreement uses. */
  version: string;
  /** Codes the agreement adds, per list (see codebook.ts). */
  extensions?: Partial<Record<string, Array<{ code: string; labels: LocalizedText }>>>;
}

export interface Agreement {
  format: 'parley/agreement/v1';
  id: string;
  /** 1 for the original; each amendment is the next version. */
  version: number;
  /** Hash (lowercase hex SHA-256 of the signing bytes) of the previous version, or null for version 1. */
  previous: string | null;
  title: LocalizedText;
  /** Working languages of the agreement as a whole. */
  languages: LanguageTag[];
  parties: Party[];
  contacts: Contact[];
  escalation: Escalation;
  deadlines: Deadlines;
  communicationChecks: CommunicationChecks;
  review: Review;
  term: Term;
  commitments: Commitment[];
  codebook: CodebookReference;
}
