/**
 * Which statements are sealed (docs/protocol.md §2.1). A statement is sealed when it is addressed to some parties
 * but not to all: then the others mirror and witness it without reading it. What every party is told anyway is not
 * sealed (nobody would be kept from reading it), and neither is what every witness must read to do its work:
 *  - receipts: the proof of delivery and the start of every deadline, which the case fold of any party computes;
 *  - communication checks and their replies: a nonce, the channel's own health, which every party may audit;
 *  - key rotations: every verifier needs the new key to check the signatures that follow.
 */
import type { Agreement } from './agreement.js';

export const PLAIN_TYPES: ReadonlySet<string> = new Set(['receipt', 'communication-check', 'communication-check-reply', 'key-rotation', 'encryption-key-rotation']);

/** Whether the node seals a statement of this type, author and addressees under `agreement`. */
export function shouldSeal(s: { type: string; author: string; to: readonly string[] }, agreement: Agreement): boolean {
  if (PLAIN_TYPES.has(s.type)) return false;
  const others = agreement.parties.filter((p) => p.id !== s.author).length;
  return s.to.length < others;
}
