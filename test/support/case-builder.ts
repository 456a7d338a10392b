/**
 * Builds agreements and signed statements for the tests of statement types, the case fold and compliance figures:
 * each party has a key from a fixed seed and its own log, numbered from 0.
 */
import type { Agreement } from '../../src/protocol/agreement.js';
import { signingKeyFromSeed, type SigningKey } from '../../src/protocol/keys.js';
import { formatVerifierKey } from '../../src/protocol/note-key.js';
import { encryptionKeyPair, formatEncryptionKey, type EncryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { signStatement, type HashedStatement, type StatementBody, type StatementRef, type UnsignedStatement } from '../../src/protocol/statement.js';

export const AGREEMENT_ID = 'avalon-borealis';

export function partyKey(i: number): SigningKey {
  return signingKeyFromSeed(new Uint8Array(32).fill(i + 1));
}

/** The X25519 key pair of the i-th party (from a fixed private key, like partyKey). */
export function partyEncryptionKey(i: number): EncryptionKeyPair {
  return encryptionKeyPair(new Uint8Array(32).fill(0x40 + i));
}

/** An agreement between the named parties, with deadlines chosen to be easy to reckon by hand. */
export function makeAgreement(parties: string[], overrides: Partial<Agreement> = {}): Agreement {
  return {
    format: 'parley/agreement/v1',
    id: AGREEMENT_ID,
    version: 1,
    previous: null,
    title: { en: 'Test agreement' },
    languages: ['en', 'ru'],
    parties: parties.map((id, i) => ({
      id, names: { en: id }, languages: ['en'], node: `https://${id}.example`,
      signingKey: formatVerifierKey(`${AGREEMENT_ID}/${id}`, 1, partyKey(i).publicKey.raw),
      tlsFingerprint: '00'.repeat(32),
      encryptionKey: formatEncryptionKey(partyEncryptionKey(i).publicKey),
    })),
    contacts: [],
    escalation: { ladder: ['technical', 'diplomatic', 'political'], onOverdue: 'escalate' },
    deadlines: {
      acknowledgement: { low: 'P1D', medium: 'PT12H', high: 'PT4H', critical: 'PT1H' },
      response: { low: 'P7D', medium: 'P3D', high: 'P1D', critical: 'PT12H' },
      priorNoticeLeadTime: 'P3D',
    },
    communicationChecks: { every: 'P7D', answerWithin: 'PT1H', answeredBy: 'node' },
    review: { cycle: 'P1Y', month: 11 },
    term: { start: '2026-01-01', duration: 'P3Y', renewal: 'automatic', noticeToTerminate: 'P6M' },
    commitments: [
      { id: 'election-non-interference', text: { en: 'No interference in elections by ICT means' }, reaffirm: 'each-review' },
      { id: 'no-first-use', text: { en: 'No first use of ICT against critical infrastructure' }, reaffirm: 'once' },
    ],
    codebook: { version: '1' },
    ...overrides,
  };
}

export interface Say {
  type: string;
  time: string;
  to?: string[];
  case?: string | null;
  refs?: Array<HashedStatement | StatementRef>;
  body: StatementBody;
}

function asRef(r: HashedStatement | StatementRef): StatementRef {
  return 'statement' in r ? { party: r.statement.author, index: r.statement.index, hash: r.hash } : r;
}

/** The parties' logs: `say` signs the next statement of a party's log. */
export class Logs {
  readonly next = new Map<string, number>();
  readonly all: HashedStatement[] = [];
  constructor(readonly agreement: Agreement) {}

  say(author: string, x: Say): HashedStatement {
    const i = this.agreement.parties.findIndex((p) => p.id === author);
    if (i < 0) throw new Error(`test: no party ${author}`);
    const index = this.next.get(author) ?? 0;
    this.next.set(author, index + 1);
    const others = this.agreement.parties.map((p) => p.id).filter((p) => p !== author);
    const unsigned: UnsignedStatement = {
      v: 1, agreement: this.agreement.id, author, index, time: x.time, to: [...(x.to ?? others)].sort(),
      type: x.type, case: x.case ?? null, refs: (x.refs ?? []).map(asRef), body: x.body,
    };
    const h = signStatement(unsigned, partyKey(i));
    this.all.push(h);
    return h;
  }

  /** The node's automatic receipt for `h`, `delay` milliseconds after it was made. */
  receipt(by: string, h: HashedStatement, delayMs = 1000): HashedStatement {
    const at = new Date(Date.parse(h.statement.time) + delayMs).toISOString();
    return this.say(by, { type: 'receipt', time: at, to: [h.statement.author], case: h.statement.case, refs: [h], body: { received: h.hash, at } });
  }
}

/** A time `minutes` after a fixed origin, 2026-11-22T00:00:00.000Z. */
export function t(minutes: number): string {
  return new Date(Date.parse('2026-11-22T00:00:00.000Z') + minutes * 60_000).toISOString();
}
