/**
 * Sealed bodies (src/protocol/sealed-body.ts): what an addressee, the author and a third party can each do with one,
 * and that nothing about it can be changed or moved without the seal breaking.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '../../src/protocol/canonical.js';
import { fromBase64, toBase64 } from '../../src/protocol/encoding.js';
import { encryptionKeyPair, type EncryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { FormatError } from '../../src/protocol/errors.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { openSealedBody, sealBody, SealedBodyError, sealedRecipients, type SealedForm, type SealingEnvelope } from '../../src/protocol/sealed-body.js';
import { parseStatement, signStatement, type StatementBody } from '../../src/protocol/statement.js';

const PARTIES = ['avalon', 'borduria', 'cathay', 'dalmatia', 'elbonia'];
const keyPairs = new Map<string, EncryptionKeyPair>(PARTIES.map((p, i) => [p, encryptionKeyPair(new Uint8Array(32).fill(0x40 + i))]));
const publicKeys = new Map([...keyPairs].map(([p, k]) => [p, k.publicKey]));

const envelope: SealingEnvelope = {
  v: 1, agreement: 'regional-5', author: 'avalon', index: 4, time: '2026-11-22T03:00:00.000Z', to: ['borduria'],
  type: 'notification', case: 'avalon:2026-0001', refs: [],
};
const body: StatementBody = { severity: 'high', category: 'ddos', summary: 'marker-6f1c: traffic from 203.0.113.7' };

/** A reproducible random source: SHA-256 in counter mode over a seed. */
function replayable(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let at = 0; at < n; at += 32) createHash('sha256').update(`${seed}/${counter++}`).digest().copy(out, at);
    return new Uint8Array(out);
  };
}

const fresh = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function openAs(e: SealingEnvelope, sealed: SealedForm, party: string): Promise<StatementBody> {
  return openSealedBody({ ...e, sealed }, party, [keyPairs.get(party)!]);
}

async function rejectsWith(p: Promise<unknown>, rule: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SealedBodyError || e instanceof FormatError, `unexpected ${String(e)}`);
    assert.equal((e as SealedBodyError).rule, rule, (e as Error).message);
    return true;
  });
}

const jsonBody = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<StatementBody>;
const addressees = fc.subarray(PARTIES.slice(1), { minLength: 1 }).map((a) => a.sort());

describe('sealing and opening', () => {
  test('every addressee and the author open the body; nobody else does', async () => {
    await fc.assert(fc.asyncProperty(jsonBody, addressees, async (b, to) => {
      const e = { ...envelope, to };
      const sealed = await sealBody(e, b, publicKeys, fresh);
      assert.deepEqual(Object.keys(sealed.recipients).sort(), sealedRecipients(e));
      for (const party of PARTIES) {
        if (party === 'avalon' || to.includes(party)) assert.equal(canonicalJson(await openAs(e, sealed, party)), canonicalJson(b));
        else await rejectsWith(openAs(e, sealed, party), 'sealed.not-recipient');
      }
    }), { numRuns: 25 });
  });

  test('a third party holding another recipient\'s key id but its own key cannot open', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const impostor: EncryptionKeyPair = { ...keyPairs.get('cathay')!, id: keyPairs.get('borduria')!.id };
    await rejectsWith(openSealedBody({ ...envelope, sealed }, 'borduria', [impostor]), 'sealed.open');
  });

  test('a key the party does not hold (rotated away, or never its own) is named', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    await rejectsWith(openSealedBody({ ...envelope, sealed }, 'borduria', [keyPairs.get('cathay')!]), 'sealed.unknown-key');
  });

  test('the same random bytes give the same sealed form: sealing is a pure function', async () => {
    const a = await sealBody(envelope, body, publicKeys, replayable('x'));
    const b = await sealBody(envelope, body, publicKeys, replayable('x'));
    const c = await sealBody(envelope, body, publicKeys, replayable('y'));
    assert.deepEqual(a, b);
    assert.notEqual(a.ciphertext, c.ciphertext);
  });

  test('the sealed form does not contain the body, in any encoding', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const text = JSON.stringify(sealed);
    for (const form of ['marker-6f1c', toBase64(Buffer.from('marker-6f1c')), Buffer.from('marker-6f1c').toString('hex')]) assert.ok(!text.includes(form));
  });

  test('a recipient without a key cannot be sealed to', async () => {
    const without = new Map(publicKeys);
    without.delete('borduria');
    await rejectsWith(sealBody(envelope, body, without, fresh), 'sealed.no-key');
  });
});

/** Flips one bit of byte `i` of a base64 field. */
function flip(b64: string, i: number): string {
  const bytes = fromBase64(b64);
  bytes[i % bytes.length]! ^= 1 << (i % 8);
  return toBase64(bytes);
}

describe('tampering and moving', () => {
  test('changing any byte of the nonce, the ciphertext or the recipient\'s share makes it fail to open', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const share = sealed.recipients.borduria!;
    const field = fc.constantFrom('nonce', 'ciphertext', 'enc', 'key');
    await fc.assert(fc.asyncProperty(field, fc.nat(4096), async (f, i) => {
      const t: SealedForm = structuredClone(sealed);
      if (f === 'nonce' || f === 'ciphertext') t[f] = flip(sealed[f], i);
      else t.recipients.borduria![f] = flip(share[f], i);
      await rejectsWith(openAs(envelope, t, 'borduria'), 'sealed.open');
    }), { numRuns: 60 });
  });

  test('a sealed body moved into another envelope fails to open', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const moved: Array<Partial<SealingEnvelope>> = [
      { index: 5 }, { time: '2026-11-22T03:00:00.001Z' }, { type: 'response' }, { case: 'avalon:2026-0002' }, { case: null },
      { agreement: 'another' }, { refs: [{ party: 'borduria', index: 0, hash: '0'.repeat(64) }] },
    ];
    for (const change of moved) await rejectsWith(openAs({ ...envelope, ...change }, sealed, 'borduria'), 'sealed.open');
    // Other addressees or author: the recipients no longer match the envelope, which every verifier sees without a key.
    await rejectsWith(openAs({ ...envelope, to: ['borduria', 'cathay'] }, sealed, 'borduria'), 'statement.sealed');
    await rejectsWith(openAs({ ...envelope, author: 'cathay' }, sealed, 'borduria'), 'statement.sealed');
  });
});

describe('the signed statement carries the sealed form', () => {
  const signer = signingKeyFromSeed(new Uint8Array(32).fill(9));

  test('it signs, parses back with the same hash, and opens', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const h = signStatement({ ...envelope, sealed }, signer);
    const back = parseStatement(new TextDecoder().decode(h.leaf));
    assert.equal(back.hash, h.hash);
    assert.deepEqual(await openSealedBody(back.statement, 'borduria', [keyPairs.get('borduria')!]), body);
  });

  test('a malformed sealed form is refused by the envelope check, naming the rule', async () => {
    const sealed = await sealBody(envelope, body, publicKeys, fresh);
    const { borduria: _dropped, ...onlyAuthor } = sealed.recipients;
    const bad: unknown[] = [
      { ...sealed, suite: 'rot13' }, { ...sealed, extra: 1 }, { ...sealed, nonce: 'AAAA' }, { ...sealed, recipients: onlyAuthor },
      { ...sealed, recipients: { ...sealed.recipients, cathay: sealed.recipients.borduria } },
      { ...sealed, recipients: { ...sealed.recipients, borduria: { ...sealed.recipients.borduria, kid: 'XYZ' } } },
    ];
    for (const s of bad) {
      assert.throws(() => signStatement({ ...envelope, sealed: s as SealedForm }, signer), (e: unknown) => e instanceof FormatError && e.rule === 'statement.sealed');
    }
  });
});
