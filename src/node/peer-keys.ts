/**
 * Which key signs a party's statements at a given index: the key the agreement pins, until a key-rotation statement
 * in the party's own log names a new one, which signs every later statement (docs/protocol.md, "Key in force").
 * Only rotations already mirrored (verified with the key before them) count, so the chain always starts at the
 * agreement: nobody can introduce a key without the previous key's signature.
 */
import type { Agreement } from '../protocol/agreement.js';
import { parseVerifierKey, type VerifierKey } from '../protocol/note-key.js';
import type { Statement } from '../protocol/statement.js';
import type { StatementCache } from './statement-cache.js';

/**
 * Verifier keys already parsed, by their text: a key history is built for every push and every push answer, and
 * parsing a key (base64, key id, key object) costs a third of a signature check. Few keys: the agreement's and
 * the rotations'.
 */
const parsedKeys = new Map<string, VerifierKey>();

function parsedKey(vkey: string): VerifierKey {
  let key = parsedKeys.get(vkey);
  if (key === undefined) {
    key = parseVerifierKey(vkey);
    if (parsedKeys.size >= 1000) parsedKeys.clear();
    parsedKeys.set(vkey, key);
  }
  return key;
}

export class KeyHistory {
  /** Keys in force from an index on, in increasing index order; the first is the agreement's, from 0. */
  private readonly keys: Array<{ from: number; vkey: string; key: VerifierKey }>;

  constructor(readonly party: string, agreementKey: string) {
    this.keys = [{ from: 0, vkey: agreementKey, key: parsedKey(agreementKey) }];
  }

  private entryAt(index: number): { vkey: string; key: VerifierKey } {
    let found = this.keys[0]!;
    for (const k of this.keys) if (k.from <= index) found = k;
    return found;
  }

  /** The key that signs the statement at `index` (and checkpoints of size `index + 1`). */
  keyAt(index: number): VerifierKey {
    return this.entryAt(index).key;
  }

  /** The verifier key text in force at `index`. */
  vkeyAt(index: number): string {
    return this.entryAt(index).vkey;
  }

  /** Follows a verified, valid key-rotation statement of this party's log. */
  follow(s: Statement): void {
    if (s.type !== 'key-rotation' || s.author !== this.party || typeof s.body?.newKey !== 'string') return;
    if (this.keys.some((k) => k.from === s.index + 1)) return;
    this.keys.push({ from: s.index + 1, vkey: s.body.newKey, key: parsedKey(s.body.newKey) });
    this.keys.sort((a, b) => a.from - b.from);
  }
}

/** The key history of `party` as the mirrored log stands (read from memory: this runs on every push). */
export function keyHistory(statements: StatementCache, agreement: Agreement, party: string): KeyHistory {
  const pinned = agreement.parties.find((p) => p.id === party)?.signingKey;
  if (pinned === undefined) throw new Error(`"${party}" is not a party to the agreement`);
  const history = new KeyHistory(party, pinned);
  for (const r of statements.ofTypes(['key-rotation'])) if (r.statement.author === party) history.follow(r.statement);
  return history;
}
