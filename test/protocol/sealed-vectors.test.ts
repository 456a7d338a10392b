/**
 * The primitives under sealed bodies, against outside vectors read in place (test/support/paths.ts vectorsDir):
 *  - X25519 as HPKE's DHKEM uses it (WebCrypto through @hpke/core): every Wycheproof x25519 test, by decapsulating
 *    with the test's private key and public key (as `enc`) and comparing with the KEM shared secret that RFC 9180 §4.1
 *    derives from the test's expected DH output. An all-zero DH output must be refused (RFC 9180 §7.1.4).
 *  - AES-256-GCM as content-cipher.ts uses it (the same WebCrypto AES-GCM that HPKE's Aes256Gcm uses): every Wycheproof
 *    aes_gcm test with a 256-bit key, 96-bit nonce and 128-bit tag — the only parameters the sealed format uses.
 *  - RFC 7748 §6.1: a private key gives the published public key (encryption-key.ts, through node:crypto).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DhkemX25519HkdfSha256 } from '@hpke/core';
import { vectorsDir } from '../support/paths.js';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/protocol/encoding.js';
import { encryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { contentOpen, contentSeal } from '../../src/protocol/content-cipher.js';

interface Wycheproof<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}
interface XdhTest { tcId: number; comment: string; flags: string[]; public: string; private: string; shared: string; result: string }
interface AeadTest { tcId: number; comment: string; flags: string[]; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: string }

function read<G>(file: string): Wycheproof<G> {
  return JSON.parse(readFileSync(join(vectorsDir, 'wycheproof', file), 'utf8')) as Wycheproof<G>;
}

/** RFC 9180 §4.1 ExtractAndExpand for DHKEM(X25519, HKDF-SHA256), computed here with node:crypto's HKDF. */
function kemSharedSecret(dh: Uint8Array, enc: Uint8Array, pkR: Uint8Array): Uint8Array {
  const suiteId = concatBytes(utf8('KEM'), new Uint8Array([0x00, 0x20]));
  const labeledIkm = concatBytes(utf8('HPKE-v1'), suiteId, utf8('eae_prk'), dh);
  const labeledInfo = concatBytes(new Uint8Array([0, 32]), utf8('HPKE-v1'), suiteId, utf8('shared_secret'), enc, pkR);
  return new Uint8Array(hkdfSync('sha256', labeledIkm, new Uint8Array(0), labeledInfo, 32));
}

describe('Wycheproof X25519 through HPKE DHKEM(X25519, HKDF-SHA256), every test', () => {
  const file = read<{ curve: string; tests: XdhTest[] }>('x25519_test.json');
  const all = file.testGroups.flatMap((g) => g.tests);
  const kem = new DhkemX25519HkdfSha256();
  test('the file holds every test it announces', () => {
    assert.equal(file.algorithm, 'XDH');
    assert.equal(all.length, file.numberOfTests);
  });
  for (const t of all) {
    test(`tcId ${t.tcId} ${t.result} [${t.flags.join(',')}]${t.comment ? `: ${t.comment}` : ''}`, async () => {
      const recipientKey = await kem.deserializePrivateKey(fromHex(t.private));
      const enc = fromHex(t.public);
      const decap = kem.decap({ recipientKey, enc });
      if (t.flags.includes('ZeroSharedSecret')) {
        await assert.rejects(decap, 'an all-zero shared secret must be refused');
        return;
      }
      // Everything else in this file is valid or "acceptable" (twist points, non-canonical encodings): RFC 7748 computes it.
      assert.ok(t.result === 'valid' || t.result === 'acceptable', `unexpected result ${t.result}`);
      const pkR = encryptionKeyPair(fromHex(t.private)).publicKey;
      assert.equal(toHex(new Uint8Array(await decap)), toHex(kemSharedSecret(fromHex(t.shared), enc, pkR)));
    });
  }
});

describe('Wycheproof AES-GCM, 256-bit keys, 96-bit nonces, 128-bit tags', () => {
  const file = read<{ keySize: number; ivSize: number; tagSize: number; tests: AeadTest[] }>('aes_gcm_test.json');
  const groups = file.testGroups.filter((g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128);
  const all = groups.flatMap((g) => g.tests);
  test('the file holds tests of these parameters', () => {
    assert.equal(file.algorithm, 'AES-GCM');
    assert.ok(all.length >= 40, `only ${all.length} tests`);
    assert.ok(all.some((t) => t.result === 'invalid'));
  });
  for (const t of all) {
    test(`tcId ${t.tcId} ${t.result} [${t.flags.join(',')}]${t.comment ? `: ${t.comment}` : ''}`, async () => {
      assert.ok(t.result === 'valid' || t.result === 'invalid', `unexpected result ${t.result}`);
      const [key, iv, aad, msg] = [fromHex(t.key), fromHex(t.iv), fromHex(t.aad), fromHex(t.msg)];
      const sealed = concatBytes(fromHex(t.ct), fromHex(t.tag));
      const opened = await contentOpen(key, iv, sealed, aad);
      if (t.result === 'invalid') {
        assert.equal(opened, undefined);
        return;
      }
      assert.equal(toHex(opened!), t.msg);
      assert.equal(toHex(await contentSeal(key, iv, msg, aad)), toHex(sealed));
    });
  }
});

describe('RFC 7748 §6.1', () => {
  test("Alice's and Bob's private keys give the published public keys", () => {
    const alice = encryptionKeyPair(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    const bob = encryptionKeyPair(fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
    assert.equal(toHex(alice.publicKey), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(toHex(bob.publicKey), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  });
});
