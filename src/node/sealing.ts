/**
 * The node's side of sealed bodies (src/protocol/sealed-body.ts): it seals what it says to some parties but not all
 * (sealing-policy.ts), and opens what is sealed to it. The store only ever holds the signed, sealed form; opened
 * bodies live in memory (the statement cache and the HashedStatements the node hands out).
 *
 * The keys it seals to follow the parties' encryption-key-rotation statements (docs/protocol.md §2.1).
 *
 * What NodeApi hands out is a HashedStatement whose `statement.body` is the opened body when this node may read it,
 * and undefined (only `sealed`) when it may not; `leaf`, `leafHash` and `hash` are always those of the signed form.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Agreement } from '../protocol/agreement.js';
import { parseEncryptionKey, type EncryptionKeyPair } from '../protocol/encryption-key.js';
import { openSealedBody, sealBody, SealedBodyError } from '../protocol/sealed-body.js';
import { shouldSeal } from '../protocol/sealing-policy.js';
import { announcedEncryptionKey, ENCRYPTION_KEY_ROTATION } from '../protocol/bodies/encryption-key-rotation.js';
import type { HashedStatement, StatementBody, UnsignedStatement } from '../protocol/statement.js';

/** Where the node's statements are (the statement cache): rotations are read from it, in memory, at each sealing. */
export interface RotationSource {
  ofTypes(types: readonly string[]): HashedStatement[];
}

export class Sealing {
  /** Each party's key as the agreement in force publishes it: the key until the party's first rotation. */
  private readonly agreementKeys: ReadonlyMap<string, Uint8Array>;
  private readonly keyPairs: EncryptionKeyPair[];
  private rotations: RotationSource | undefined;

  /**
   * `keyPairs`: this party's X25519 keys, oldest first (DIR/encryption.key); none means the node cannot open what is
   * sealed to it (it still seals, since sealing needs only public keys). `random` is injectable for tests.
   */
  constructor(
    private readonly party: string,
    private readonly agreement: Agreement,
    keyPairs: readonly EncryptionKeyPair[],
    private readonly logger?: Logger,
    private readonly random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
  ) {
    this.keyPairs = [...keyPairs];
    this.agreementKeys = new Map(agreement.parties.filter((p) => p.encryptionKey !== undefined).map((p) => [p.id, parseEncryptionKey(p.encryptionKey)]));
  }

  /**
   * Seals from now on to the keys the parties announce in `source`'s encryption-key-rotation statements. Given once
   * the statement cache is loaded (the cache itself is loaded through open(), hence not in the constructor).
   */
  followRotationsIn(source: RotationSource): void {
    this.rotations = source;
  }

  /** A key pair this party has just made (a rotation): it opens what is sealed to it from now on, the older ones stay. */
  addKeyPair(keyPair: EncryptionKeyPair): void {
    if (!this.keyPairs.some((k) => k.id === keyPair.id)) this.keyPairs.push(keyPair);
  }

  /**
   * The key each party is sealed to now: the key of its latest valid encryption-key-rotation (highest index in its
   * own log, so arrival order does not matter), else the agreement's. Only statements this node holds count, so each
   * is verified as its author's; one whose body breaks the type's rules is never followed.
   */
  currentKeys(): Map<string, Uint8Array> {
    const keys = new Map(this.agreementKeys);
    const latest = new Map<string, number>();
    for (const r of this.rotations?.ofTypes([ENCRYPTION_KEY_ROTATION]) ?? []) {
      const s = r.statement;
      const key = announcedEncryptionKey(s);
      if (key === undefined || !this.agreementKeys.has(s.author) || (latest.get(s.author) ?? -1) > s.index) continue;
      latest.set(s.author, s.index);
      keys.set(s.author, key);
    }
    return keys;
  }

  /** The statement to sign: `unsigned` itself, or with its body replaced by the body sealed to its addressees and author. */
  async sealIfNeeded(unsigned: UnsignedStatement): Promise<UnsignedStatement> {
    if (unsigned.body === undefined || !shouldSeal(unsigned, this.agreement)) return unsigned;
    const { body, ...envelope } = unsigned;
    return { ...envelope, sealed: await sealBody(envelope, body, this.currentKeys(), this.random) };
  }

  /** The statement as this node shows it: with its opened body when it is sealed to this party and opens. */
  async open(h: HashedStatement): Promise<HashedStatement> {
    const s = h.statement;
    if (s.sealed === undefined || s.body !== undefined || !s.sealed.recipients[this.party] || this.keyPairs.length === 0) return h;
    try {
      return withBody(h, await openSealedBody(s, this.party, this.keyPairs));
    } catch (e) {
      if (!(e instanceof SealedBodyError)) throw e;
      // The author signed a body this party cannot open: the statement stands (and is mirrored), unread.
      this.logger?.warn({ author: s.author, index: s.index, rule: e.rule }, e.message);
      return h;
    }
  }
}

/** The same signed statement (same leaf and hash), with the opened body beside its sealed form. */
export function withBody(h: HashedStatement, body: StatementBody): HashedStatement {
  return { ...h, statement: { ...h.statement, body } };
}

/** The statement as signed: without an opened body beside `sealed` (for evidence, which the store keeps). */
export function signedForm(h: HashedStatement): HashedStatement['statement'] {
  if (h.statement.sealed === undefined || h.statement.body === undefined) return h.statement;
  const { body: _opened, ...signed } = h.statement;
  return signed;
}
