import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../support/paths.js';
import { publicKeyFromRaw, sign, signingKeyFromSeed, verify } from '../../src/protocol/keys.js';
import { fromHex, toHex } from '../../src/protocol/encoding.js';
import { FormatError } from '../../src/protocol/errors.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: Array<{ publicKey: { pk: string }; tests: WycheproofTest[] }>;
}

const wycheproof = JSON.parse(readFileSync(join(vectorsDir, 'wycheproof', 'ed25519_test.json'), 'utf8')) as WycheproofFile;

describe('Wycheproof Ed25519 (C2SP/wycheproof), every test', () => {
  const all = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ pk: g.publicKey.pk, t })));
  test('the file holds every test it announces', () => {
    assert.equal(wycheproof.algorithm, 'EDDSA');
    assert.equal(all.length, wycheproof.numberOfTests);
  });
  for (const { pk, t } of all) {
    const label = `tcId ${t.tcId} ${t.result}${t.comment ? `: ${t.comment}` : ''} [${t.flags.join(',')}]`;
    test(label, () => {
      // "acceptable" is not used by this file; were it, it would be a decision to make here, not to pass silently.
      assert.ok(t.result === 'valid' || t.result === 'invalid', `unexpected result "${t.result}"`);
      let accepted: boolean;
      try {
        accepted = verify(publicKeyFromRaw(fromHex(pk)), fromHex(t.msg), fromHex(t.sig));
      } catch (e) {
        // A public key refused when parsed is a rejected input, never an accepted one.
        assert.ok(e instanceof FormatError, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
        accepted = false;
      }
      assert.equal(accepted, t.result === 'valid');
    });
  }
});

describe('RFC 8032 section 7.1, TEST 1', () => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const publicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const signature =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  test('the seed gives the published public key', () => {
    assert.equal(toHex(signingKeyFromSeed(seed).publicKey.raw), publicKey);
  });
  test('signing the empty message gives the published signature', () => {
    assert.equal(toHex(sign(signingKeyFromSeed(seed), new Uint8Array(0))), signature);
  });
  test('the published signature verifies, and not over another message', () => {
    const key = publicKeyFromRaw(fromHex(publicKey));
    assert.equal(verify(key, new Uint8Array(0), fromHex(signature)), true);
    assert.equal(verify(key, new Uint8Array([0]), fromHex(signature)), false);
  });
});

describe('key and signature shapes', () => {
  test('a public key or seed of the wrong length is refused with key.length', () => {
    assert.throws(() => publicKeyFromRaw(new Uint8Array(31)), (e: unknown) => e instanceof FormatError && e.rule === 'key.length');
    assert.throws(() => signingKeyFromSeed(new Uint8Array(33)), (e: unknown) => e instanceof FormatError && e.rule === 'key.length');
  });
  test('a signature of the wrong length is invalid, not an exception', () => {
    const k = signingKeyFromSeed(new Uint8Array(32).fill(7));
    const sig = sign(k, new Uint8Array([1, 2, 3]));
    assert.equal(verify(k.publicKey, new Uint8Array([1, 2, 3]), sig), true);
    assert.equal(verify(k.publicKey, new Uint8Array([1, 2, 3]), sig.subarray(0, 63)), false);
    assert.equal(verify(k.publicKey, new Uint8Array([1, 2, 3]), new Uint8Array([...sig, 0])), false);
  });
  test('a signing key does not keep a reference to the caller\'s seed buffer', () => {
    const seed = new Uint8Array(32).fill(9);
    const k = signingKeyFromSeed(seed);
    seed.fill(0);
    assert.equal(k.seed[0], 9);
  });
});
