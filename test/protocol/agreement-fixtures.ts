/** Shared by the agreement tests: the examples, their documented keys, and ways to change a copy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { examplesDir } from '../support/paths.js';
import type { Agreement } from '../../src/protocol/agreement.js';
import { parseAgreement } from '../../src/protocol/agreement-parse.js';
import { signAgreement, type SignedAgreement } from '../../src/protocol/agreement-signature.js';
import { signingKeyFromSeed, type SigningKey } from '../../src/protocol/keys.js';
import { ED25519_TYPE, formatVerifierKey } from '../../src/protocol/note-key.js';
import { ProtocolError } from '../../src/protocol/errors.js';

export type ExampleName = 'avalon-borduria' | 'regional-5';

export function exampleText(name: ExampleName, ext = 'yaml'): string {
  return readFileSync(join(examplesDir, `${name}.${ext}`), 'utf8');
}

/** A fresh, validated copy of an example (each test may change its own). */
export function example(name: ExampleName = 'avalon-borduria'): Agreement {
  return parseAgreement(exampleText(name), 'yaml');
}

/** The key documented in docs/agreement.md: seed = SHA-256("parley example key: <party>"). */
export function exampleKey(party: string): SigningKey {
  return signingKeyFromSeed(new Uint8Array(createHash('sha256').update(`parley example key: ${party}`).digest()));
}

/** Another key for a party, for key changes and impostors: seed = SHA-256("<label>: <party>"). */
export function otherKey(party: string, label = 'another key'): SigningKey {
  return signingKeyFromSeed(new Uint8Array(createHash('sha256').update(`${label}: ${party}`).digest()));
}

/** Gives `party` the verifier key of `key` under the agreement's own name rule. */
export function setKey(a: Agreement, party: string, key: SigningKey): void {
  const p = a.parties.find((x) => x.id === party);
  if (!p) throw new Error(`no party ${party}`);
  p.signingKey = formatVerifierKey(`${a.id}/${party}`, ED25519_TYPE, key.publicKey.raw);
}

/** Renames the agreement, and renames every key accordingly (the key name is "<agreement id>/<party id>"). */
export function renameAgreement(a: Agreement, id: string, keys: (party: string) => SigningKey = exampleKey): void {
  a.id = id;
  for (const p of a.parties) setKey(a, p.id, keys(p.id));
}

/** Signed by every party, each with the key `keys` gives it (by default its documented example key). */
export function signedByAll(a: Agreement, keys: (party: string) => SigningKey = exampleKey): SignedAgreement {
  return { agreement: a, signatures: a.parties.map((p) => signAgreement(a, p.id, keys(p.id))) };
}

export function clone<T>(x: T): T {
  return structuredClone(x);
}

/** For assert.throws: a ProtocolError (of any kind) with this rule. */
export function refusedWith(rule: string) {
  return (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${String(e)}`);
    assert.equal(e.rule, rule, e.message);
    return true;
  };
}
