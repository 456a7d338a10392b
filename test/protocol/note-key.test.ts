import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../support/paths.js';
import {
  COSIGNATURE_TYPE,
  cosignatureVerifierKey,
  ED25519_TYPE,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  keyId,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/protocol/note-key.js';
import { FormatError } from '../../src/protocol/errors.js';
import { fromHex, toBase64, toHex } from '../../src/protocol/encoding.js';

interface Vectors {
  verifierKeys: Record<string, string>;
  signerKeys: Record<string, string>;
  cases: Array<{ desc: string; vkey?: string; expect: { keyValid?: boolean } }>;
}
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'signed-note', 'vectors.json'), 'utf8')) as Vectors;

function refusedWith(rule: string) {
  return (e: unknown) => e instanceof FormatError && e.rule === rule;
}

describe('verifier keys of the C2SP / Go sumdb examples', () => {
  for (const [name, vkey] of Object.entries(vectors.verifierKeys)) {
    test(`${name}: parses, and formats back to the same text`, () => {
      const k = parseVerifierKey(vkey);
      assert.equal(k.name, name);
      assert.equal(k.type, ED25519_TYPE);
      assert.equal(k.key.byteLength, 32);
      assert.equal(toHex(k.keyId), vkey.split('+')[1]);
      assert.deepEqual(k.publicKey.raw, k.key);
      assert.equal(formatVerifierKey(k.name, k.type, k.key), vkey);
    });
  }
  test('the signer key of PeterNeumann matches his verifier key', () => {
    const s = parseSignerKey(vectors.signerKeys.PeterNeumann!);
    const v = parseVerifierKey(vectors.verifierKeys.PeterNeumann!);
    assert.equal(s.name, 'PeterNeumann');
    assert.deepEqual(s.keyId, v.keyId);
    assert.deepEqual(s.signingKey.publicKey.raw, v.key);
    assert.equal(formatSignerKey(s.name, s.type, s.signingKey.seed), vectors.signerKeys.PeterNeumann);
    assert.equal(formatVerifierKey(s.name, ED25519_TYPE, s.signingKey.publicKey.raw), vectors.verifierKeys.PeterNeumann);
  });
});

describe('bad verifier keys of the vectors are refused when parsed', () => {
  const cases = vectors.cases.filter((c) => c.vkey !== undefined);
  test('the vectors have bad-key cases', () => assert.ok(cases.length >= 2));
  for (const c of cases) {
    test(c.desc, () => {
      assert.equal(c.expect.keyValid, false, 'a vkey case that expects a valid key is not handled here');
      assert.throws(() => parseVerifierKey(c.vkey!), FormatError);
    });
  }
});

describe('verifier key rules', () => {
  const key = parseVerifierKey(vectors.verifierKeys.PeterNeumann!).key;
  test('the key ID is SHA-256(name || 0x0A || type || key)[:4], so it depends on the type', () => {
    assert.equal(toHex(keyId('PeterNeumann', ED25519_TYPE, key)), 'c74f20a3');
    assert.notEqual(toHex(keyId('PeterNeumann', COSIGNATURE_TYPE, key)), 'c74f20a3');
  });
  test('names: non-empty, no Unicode space, no plus, no control character', () => {
    for (const good of ['example.com/log', 'PeterNeumann', 'agreement-1/party-a', 'é/ü']) assert.equal(isValidKeyName(good), true, good);
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u3000b', 'a\u0085b', 'a\u0001b', 'a\ud800']) {
      assert.equal(isValidKeyName(bad), false, JSON.stringify(bad));
      assert.throws(() => formatVerifierKey(bad, ED25519_TYPE, key), refusedWith('key.name'));
    }
  });
  test('a key ID that does not match the key is refused with key.id', () => {
    const vkey = vectors.verifierKeys.PeterNeumann!.replace('c74f20a3', 'c74f20a4');
    assert.throws(() => parseVerifierKey(vkey), refusedWith('key.id'));
  });
  test('a renamed key is refused (the ID commits to the name)', () => {
    const vkey = vectors.verifierKeys.PeterNeumann!.replace('PeterNeumann', 'PeterNeuman');
    assert.throws(() => parseVerifierKey(vkey), refusedWith('key.id'));
  });
  test('an upper-case key ID, a short one, or missing parts are refused with key.format', () => {
    assert.throws(() => parseVerifierKey(vectors.verifierKeys.PeterNeumann!.replace('c74f20a3', 'C74F20A3')), refusedWith('key.format'));
    assert.throws(() => parseVerifierKey('PeterNeumann+c74f20a+AAAA'), refusedWith('key.format'));
    assert.throws(() => parseVerifierKey('PeterNeumann'), refusedWith('key.format'));
    assert.throws(() => parseVerifierKey('PeterNeumann+c74f20a3'), refusedWith('key.format'));
  });
  test('non-canonical base64 key data is refused', () => {
    assert.throws(() => parseVerifierKey(`${vectors.verifierKeys.PeterNeumann!} `), FormatError);
    assert.throws(() => parseVerifierKey(`${vectors.verifierKeys.PeterNeumann!}=`), FormatError);
  });
  test('an unknown type byte is refused with key.type, even with a matching ID', () => {
    const vkey = `PeterNeumann+${toHex(keyId('PeterNeumann', 0x02, key))}+${toBase64(new Uint8Array([0x02, ...key]))}`;
    assert.throws(() => parseVerifierKey(vkey), refusedWith('key.type'));
  });
  test('a 31-byte key with a matching ID is refused with key.length', () => {
    const short = key.subarray(0, 31);
    const vkey = `PeterNeumann+${toHex(keyId('PeterNeumann', ED25519_TYPE, short))}+${toBase64(new Uint8Array([ED25519_TYPE, ...short]))}`;
    assert.throws(() => parseVerifierKey(vkey), refusedWith('key.length'));
  });
});

describe('signer keys', () => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  test('round trip, and the key ID names the public key', () => {
    const text = formatSignerKey('example.com/log', ED25519_TYPE, seed);
    assert.match(text, /^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+/);
    const s = parseSignerKey(text);
    assert.deepEqual(s.signingKey.seed, seed);
    const vkey = formatVerifierKey('example.com/log', ED25519_TYPE, s.signingKey.publicKey.raw);
    assert.deepEqual(parseVerifierKey(vkey).keyId, s.keyId);
  });
  test('a verifier key is not a signer key, and a changed seed is caught by the key ID', () => {
    assert.throws(() => parseSignerKey(vectors.verifierKeys.PeterNeumann!), refusedWith('key.format'));
    const text = vectors.signerKeys.PeterNeumann!;
    const i = 'PRIVATE+KEY+PeterNeumann+c74f20a3+'.length + 5; // inside the seed, past the type byte
    const flipped = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
    assert.throws(() => parseSignerKey(flipped), refusedWith('key.id'));
  });
});

describe('cosignatureVerifierKey', () => {
  test('same name and key, type 0x04, its own key ID; idempotent', () => {
    const v = parseVerifierKey(vectors.verifierKeys['example.com/foo']!);
    const c = parseVerifierKey(cosignatureVerifierKey(vectors.verifierKeys['example.com/foo']!));
    assert.equal(c.name, v.name);
    assert.equal(c.type, COSIGNATURE_TYPE);
    assert.deepEqual(c.key, v.key);
    assert.deepEqual(c.keyId, keyId(v.name, COSIGNATURE_TYPE, v.key));
    const once = cosignatureVerifierKey(vectors.verifierKeys['example.com/foo']!);
    assert.equal(cosignatureVerifierKey(once), once);
  });
});
