import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { vectorsDir } from '../support/paths.js';
import { ED25519_TYPE, formatVerifierKey, parseSignerKey, parseVerifierKey } from '../../src/protocol/note-key.js';
import { formatNote, MAX_SIGNATURES, openNote, parseNote, signNote, verifierFromKey, type Note } from '../../src/protocol/signed-note.js';
import { FormatError, ProtocolError, SignatureError } from '../../src/protocol/errors.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { sha256 } from '../../src/protocol/hash.js';
import { utf8 } from '../../src/protocol/encoding.js';

interface NoteCase {
  desc: string;
  note?: string;
  verifiers?: string[];
  sign?: { text: string; with: string };
  vkey?: string;
  expect: { valid?: boolean; text?: string; verifiedBy?: string[]; unverified?: string[]; note?: string; keyValid?: boolean };
}
interface Vectors {
  format: string;
  verifierKeys: Record<string, string>;
  signerKeys: Record<string, string>;
  cases: NoteCase[];
}
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'signed-note', 'vectors.json'), 'utf8')) as Vectors;

function verifiersNamed(names: string[]) {
  return names.map((n) => {
    const vkey = vectors.verifierKeys[n];
    assert.ok(vkey, `the vectors name an unknown verifier "${n}"`);
    return verifierFromKey(vkey);
  });
}

function runOpenCase(c: NoteCase): void {
  const verifiers = verifiersNamed(c.verifiers ?? []);
  if (c.expect.valid === false) {
    assert.throws(() => openNote(c.note!, verifiers), (e: unknown) => e instanceof FormatError || e instanceof SignatureError);
    return;
  }
  assert.equal(c.expect.valid, true, 'a note case must say whether it is valid');
  const opened = openNote(c.note!, verifiers);
  if (c.expect.text !== undefined) assert.equal(opened.text, c.expect.text);
  if (c.expect.verifiedBy !== undefined) assert.deepEqual(opened.verifiedBy, c.expect.verifiedBy);
  assert.deepEqual(opened.unverified, c.expect.unverified ?? []);
}

function runSignCase(c: NoteCase): void {
  const skey = vectors.signerKeys[c.sign!.with];
  assert.ok(skey, `no signer key "${c.sign!.with}" in the vectors`);
  const s = parseSignerKey(skey);
  assert.equal(signNote(c.sign!.text, [{ name: s.name, type: s.type, signingKey: s.signingKey }]), c.expect.note);
}

function runKeyCase(c: NoteCase): void {
  assert.equal(typeof c.expect.keyValid, 'boolean');
  if (c.expect.keyValid) verifierFromKey(c.vkey!);
  else assert.throws(() => verifierFromKey(c.vkey!), FormatError);
}

describe('every case of shared/vectors/signed-note (C2SP signed-note, Go sumdb/note)', () => {
  test('the vectors describe the format this code implements', () => {
    assert.match(vectors.format, /blank line/);
    assert.match(vectors.format, /keyID/);
    assert.ok(vectors.cases.length >= 12);
  });
  for (const c of vectors.cases) {
    test(c.desc, () => {
      if (c.note !== undefined) runOpenCase(c);
      else if (c.sign !== undefined) runSignCase(c);
      else if (c.vkey !== undefined) runKeyCase(c);
      else assert.fail(`case of an unknown kind: ${JSON.stringify(Object.keys(c))}`);
    });
  }
});

const peter = parseSignerKey(vectors.signerKeys.PeterNeumann!);
const peterSigner = { name: peter.name, type: peter.type, signingKey: peter.signingKey };
const peterVerifier = verifierFromKey(vectors.verifierKeys.PeterNeumann!);
const other = signingKeyFromSeed(sha256(utf8('signed-note test: other')));
const otherSigner = { name: 'example.org/other', type: ED25519_TYPE, signingKey: other };
const otherVerifier = verifierFromKey(formatVerifierKey('example.org/other', ED25519_TYPE, other.publicKey.raw));

describe('well-formedness', () => {
  const signed = signNote('hello\n', [peterSigner]);
  const sigLine = signed.slice(signed.indexOf('\u2014'));
  const malformed = (note: string) => assert.throws(() => parseNote(note), (e: unknown) => e instanceof FormatError && e.rule === 'note.format');

  test('text with blank lines: the LAST blank line separates the signatures', () => {
    const text = 'a\n\nb\n\n';
    const note = signNote(text, [peterSigner]);
    assert.equal(openNote(note, [peterVerifier]).text, text);
  });
  test('control characters other than newline are refused, in the text or the signatures', () => {
    malformed(`hel\rlo\n\n${sigLine}`);
    malformed(`hel\tlo\n\n${sigLine}`);
    malformed(`hello\n\n${sigLine.replace(' ', '\t')}`);
  });
  test('a lone surrogate (not UTF-8) is refused', () => malformed(`hel\ud800lo\n\n${sigLine}`));
  test('no final newline, or an empty signature block', () => {
    malformed(signed.slice(0, -1));
    malformed('hello\n\n');
  });
  test('a blank line between signature lines makes the first one part of the text, which then fails to verify', () => {
    const note = `hello\n\n${sigLine}\n${sigLine}`;
    assert.equal(parseNote(note).text, `hello\n\n${sigLine}`);
    assert.throws(() => openNote(note, [peterVerifier]), (e: unknown) => e instanceof SignatureError && e.rule === 'note.signature');
  });
  test('a signature line without the em dash, with two spaces, or with bad base64', () => {
    malformed(`hello\n\n${sigLine.replace('\u2014', '-')}`);
    malformed(`hello\n\n${sigLine.replace(' ', '  ')}`);
    malformed(`hello\n\n${sigLine.replace('=\n', '\n')}`);
  });
  test('a signature of only a key ID is refused', () => malformed('hello\n\n\u2014 PeterNeumann AAAAAA==\n'));
  test(`at least 16 signatures are accepted, more than ${MAX_SIGNATURES} refused`, () => {
    const line = (i: number) => `\u2014 w${i} ${Buffer.from(sha256(utf8(String(i)))).toString('base64')}\n`;
    const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i)).join('');
    assert.equal(openNote(`${signed}${lines(16)}`, [peterVerifier]).unverified.length, 16);
    assert.equal(parseNote(`hello\n\n${lines(MAX_SIGNATURES)}`).signatures.length, MAX_SIGNATURES);
    malformed(`hello\n\n${lines(MAX_SIGNATURES + 1)}`);
  });
  test('signNote refuses text without a final newline, and non-Ed25519 signers', () => {
    assert.throws(() => signNote('hello', [peterSigner]), FormatError);
    assert.throws(() => signNote('hello\n', [{ ...peterSigner, type: 0x04 }]), FormatError);
    assert.throws(() => signNote('hello\n', []), FormatError);
  });
});

describe('opening rules', () => {
  const signed = signNote('hello\n', [peterSigner]);
  test('a key with the same name but another key ID is an unknown key (ignored)', () => {
    const impostor = { name: 'PeterNeumann', type: ED25519_TYPE, signingKey: other };
    const note = signNote('hello\n', [peterSigner, impostor]);
    const opened = openNote(note, [peterVerifier]);
    assert.deepEqual(opened.verifiedBy, ['PeterNeumann']);
    assert.deepEqual(opened.unverified, ['PeterNeumann']);
  });
  test('the note is rejected when a known key signature is bad, even if another one verifies', () => {
    const good = signNote('hello\n', [otherSigner]);
    const bad = signNote('hullo\n', [peterSigner]);
    const mixed = good + bad.slice(bad.indexOf('\u2014'));
    assert.deepEqual(openNote(mixed, [otherVerifier]).verifiedBy, ['example.org/other']);
    assert.throws(() => openNote(mixed, [otherVerifier, peterVerifier]), (e: unknown) => e instanceof SignatureError && e.rule === 'note.signature');
  });
  test('no known key: note.unverified', () => {
    assert.throws(() => openNote(signed, []), (e: unknown) => e instanceof SignatureError && e.rule === 'note.unverified');
  });
  test('two different known keys with the same name and key ID are refused as ambiguous', () => {
    const fake = { ...peterVerifier, verify: () => true };
    assert.throws(() => openNote(signed, [peterVerifier, fake]), (e: unknown) => e instanceof FormatError && e.rule === 'note.verifiers');
  });
  test('a repeated signature is counted once', () => {
    const line = signed.slice(signed.indexOf('\u2014'));
    assert.deepEqual(openNote(signed + line, [peterVerifier]).verifiedBy, ['PeterNeumann']);
  });
  test('verified signatures report the key type', () => {
    assert.deepEqual(openNote(signed, [peterVerifier]).verified.map((s) => s.type), [ED25519_TYPE]);
    assert.equal(parseVerifierKey(vectors.verifierKeys.PeterNeumann!).type, ED25519_TYPE);
  });
});

// Text lines: any printable characters, including '—' and spaces, never a control character; blank lines allowed.
const lineArb = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\u2014', '+', '=', 'é', '\u{1f602}', '/', '0'), maxLength: 30 });
const textArb = fc.array(lineArb, { minLength: 1, maxLength: 6 }).map((lines) => lines.map((l) => l + '\n').join(''));
const nameArb = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '-', 'é', '\u2014'), minLength: 1, maxLength: 20 });
const signatureArb = fc.record({
  name: nameArb,
  keyId: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  signature: fc.uint8Array({ minLength: 1, maxLength: 80 }),
});

describe('properties', () => {
  test('parseNote(formatNote(x)) is x', () => {
    fc.assert(
      fc.property(textArb, fc.array(signatureArb, { minLength: 1, maxLength: 20 }), (text, signatures) => {
        const note: Note = { text, signatures };
        const parsed = parseNote(formatNote(note));
        assert.equal(parsed.text, text);
        assert.deepEqual(
          parsed.signatures.map((s) => ({ ...s, keyId: [...s.keyId], signature: [...s.signature] })),
          signatures.map((s) => ({ ...s, keyId: [...s.keyId], signature: [...s.signature] })),
        );
      }),
    );
  });

  /** The note with one bit flipped, or undefined when that is no longer UTF-8 (refused before reaching the parser). */
  function flip(note: string, at: number, bit: number): string | undefined {
    const bytes = Buffer.from(note, 'utf8');
    const i = at % bytes.length;
    bytes[i] = bytes[i]! ^ (1 << bit);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }

  test('any single bit flip in a note signed by one known key is rejected', () => {
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat({ max: 7 }), (text, at, bit) => {
        const flipped = flip(signNote(text, [peterSigner]), at, bit);
        if (flipped !== undefined) assert.throws(() => openNote(flipped, [peterVerifier]), (e: unknown) => e instanceof ProtocolError);
      }),
      { numRuns: 300 },
    );
  });

  test('a bit flip in a note signed by two known keys never leaves both verified', () => {
    // Flipping a signer's name turns its signature into an unknown one, which the spec says to ignore:
    // the note may still open, but no longer with both signatures.
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat({ max: 7 }), (text, at, bit) => {
        const verifiers = [peterVerifier, otherVerifier];
        const note = signNote(text, [peterSigner, otherSigner]);
        assert.equal(openNote(note, verifiers).verifiedBy.length, 2);
        const flipped = flip(note, at, bit);
        if (flipped === undefined) return;
        let verified = 0;
        try {
          verified = openNote(flipped, verifiers).verifiedBy.length;
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
        }
        assert.ok(verified < 2, `flipped note still verified by both: ${JSON.stringify(flipped)}`);
      }),
      { numRuns: 300 },
    );
  });
});
