import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { cosign, verifyCosignature } from '../../src/protocol/cosignature.js';
import { formatCheckpoint } from '../../src/protocol/checkpoint.js';
import { COSIGNATURE_TYPE, cosignatureVerifierKey, ED25519_TYPE, formatVerifierKey, parseVerifierKey } from '../../src/protocol/note-key.js';
import { cosignatureTime, parseSignatureLine } from '../../src/protocol/signed-note.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { sha256 } from '../../src/protocol/hash.js';
import { fromBase64, toHex, utf8 } from '../../src/protocol/encoding.js';
import { FormatError, ProtocolError, SignatureError } from '../../src/protocol/errors.js';

function party(name: string) {
  const key = signingKeyFromSeed(sha256(utf8(`cosignature test: ${name}`)));
  return { name, key, vkey: formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw) };
}
const witness = party('agreement-1/borduria');
const other = party('agreement-1/carpathia');
const text = formatCheckpoint({ origin: 'agreement-1/avalon', size: 5, root: sha256(utf8('five')), extensions: [] });
const T = 1_800_000_000;

function rule(r: string) {
  return (e: unknown) => e instanceof SignatureError && e.rule === r;
}

describe('outside examples', () => {
  test('c2sp.org/tlog-cosignature example: the line carries time 1679315147, the time of its signed-message example', () => {
    const line = '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
    const s = parseSignatureLine(line);
    assert.equal(s.signature.byteLength, 8 + 64);
    assert.equal(cosignatureTime(s.signature), 1679315147);
  });
  test('transparency-dev/formats TestCosignatureTimestamp: time 1727964367', () => {
    const bytes = fromBase64('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==');
    assert.equal(cosignatureTime(bytes.subarray(4)), 1727964367);
  });
  test('transparency-dev/formats TestCoSigV1NewVerifier: a real type 0x04 witness key and a 0x01 key re-typed', () => {
    const native = parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    assert.equal(native.type, COSIGNATURE_TYPE);
    assert.equal(cosignatureVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2'), 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    const test01 = parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    assert.equal(test01.type, ED25519_TYPE);
    assert.equal(parseVerifierKey(cosignatureVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6')).type, COSIGNATURE_TYPE);
  });
});

describe('the cosignature as the spec writes it', () => {
  const line = cosign(text, witness.key, witness.name, T);
  const bytes = fromBase64(line.slice(line.lastIndexOf(' ') + 1));

  test('"— <name> base64(key ID || 8-byte big-endian time || 64-byte signature)"', () => {
    assert.ok(line.startsWith(`\u2014 ${witness.name} `));
    assert.equal(bytes.byteLength, 4 + 8 + 64);
    const keyId = sha256(utf8(witness.name), new Uint8Array([0x0a, 0x04]), witness.key.publicKey.raw).subarray(0, 4);
    assert.equal(toHex(bytes.subarray(0, 4)), toHex(keyId));
    assert.equal(Buffer.from(bytes.subarray(4, 12)).readBigUInt64BE(), BigInt(T));
  });
  test('the Ed25519 signature is over "cosignature/v1\\ntime <T>\\n" followed by the checkpoint text', () => {
    const message = Buffer.from(`cosignature/v1\ntime ${T}\n${text}`, 'utf8');
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), witness.key.publicKey.raw]);
    assert.equal(nodeVerify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), bytes.subarray(12)), true);
  });
  test('verifies with the party key (re-typed internally) or its 0x04 form, reporting name and time', () => {
    assert.deepEqual(verifyCosignature(text, line, witness.vkey), { name: witness.name, time: T });
    assert.deepEqual(verifyCosignature(text, `${line}\n`, cosignatureVerifierKey(witness.vkey)), { name: witness.name, time: T });
  });
  test('time 0 and a time far in the future are carried exactly', () => {
    assert.equal(verifyCosignature(text, cosign(text, witness.key, witness.name, 0), witness.vkey).time, 0);
    assert.equal(verifyCosignature(text, cosign(text, witness.key, witness.name, 2 ** 40), witness.vkey).time, 2 ** 40);
  });
});

describe('refused cosignatures', () => {
  const line = cosign(text, witness.key, witness.name, T);
  test('by another witness key, or under another name', () => {
    assert.throws(() => verifyCosignature(text, line, other.vkey), rule('cosignature.key'));
    assert.throws(() => verifyCosignature(text, line.replace(witness.name, other.name), witness.vkey), rule('cosignature.key'));
  });
  test('over another checkpoint', () => {
    const text6 = formatCheckpoint({ origin: 'agreement-1/avalon', size: 6, root: sha256(utf8('five')), extensions: [] });
    assert.throws(() => verifyCosignature(text6, line, witness.vkey), rule('cosignature.signature'));
  });
  test("a plain (0x01) note signature is not a cosignature, nor the reverse", () => {
    const plain = `\u2014 ${witness.name} ${Buffer.concat([parseVerifierKey(witness.vkey).keyId, Buffer.alloc(64)]).toString('base64')}`;
    assert.throws(() => verifyCosignature(text, plain, witness.vkey), rule('cosignature.key'));
  });
  test('a malformed line', () => {
    assert.throws(() => verifyCosignature(text, `${line}\n\n`, witness.vkey), rule('cosignature.format'));
    assert.throws(() => verifyCosignature(text, line.replace('\u2014', '-'), witness.vkey), rule('cosignature.format'));
  });
  test('cosign refuses a text that is not a checkpoint, and times that are not whole non-negative seconds', () => {
    assert.throws(() => cosign('hello\n', witness.key, witness.name, T), FormatError);
    for (const t of [-1, 1.5, Number.NaN, 2 ** 53]) assert.throws(() => cosign(text, witness.key, witness.name, t), FormatError, String(t));
  });
  test('any change of one character (a low bit flipped) in the line or in the checkpoint text is refused', () => {
    // Characters here are ASCII or U+2014: flipping one of the 7 low bits keeps a well-formed string.
    const flip = (s: string, at: number, bit: number) => {
      const i = at % s.length;
      return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << bit)) + s.slice(i + 1);
    };
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.nat({ max: 6 }), (inLine, at, bit) => {
        const [t, l] = inLine ? [text, flip(line, at, bit)] : [flip(text, at, bit), line];
        assert.throws(() => verifyCosignature(t, l, witness.vkey), (e: unknown) => e instanceof ProtocolError);
      }),
      { numRuns: 500 },
    );
  });
});
