import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from '../../src/protocol/checkpoint.js';
import { cosign } from '../../src/protocol/cosignature.js';
import { ED25519_TYPE, formatVerifierKey } from '../../src/protocol/note-key.js';
import { parseNote, signNote } from '../../src/protocol/signed-note.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { sha256 } from '../../src/protocol/hash.js';
import { toBase64, utf8 } from '../../src/protocol/encoding.js';
import { FormatError, SignatureError } from '../../src/protocol/errors.js';

// The example of c2sp.org/tlog-checkpoint (and of tlog-cosignature and tlog-witness).
const SPEC_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_NOTE =
  SPEC_TEXT +
  '\n\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

function party(name: string) {
  const key = signingKeyFromSeed(sha256(utf8(`checkpoint test: ${name}`)));
  return { name, key, vkey: formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw) };
}
const log = party('agreement-1/avalon');
const witness = party('agreement-1/borduria');
const stranger = party('agreement-1/carpathia');
const cp: Checkpoint = { origin: log.name, size: 12, root: sha256(utf8('root 12')), extensions: [] };

function rule(r: string) {
  return (e: unknown) => (e instanceof FormatError || e instanceof SignatureError) && e.rule === r;
}

describe('the spec example', () => {
  test('parses to origin, size and a 32-byte root, and formats back byte for byte', () => {
    const parsed = parseCheckpoint(SPEC_TEXT);
    assert.equal(parsed.origin, 'example.com/behind-the-sofa');
    assert.equal(parsed.size, 20852163);
    assert.equal(parsed.root.byteLength, 32);
    assert.deepEqual(parsed.extensions, []);
    assert.equal(formatCheckpoint(parsed), SPEC_TEXT);
  });
  test('the signed example is a well-formed note whose text is the checkpoint', () => {
    assert.equal(parseNote(SPEC_NOTE).text, SPEC_TEXT);
  });
});

describe('parseCheckpoint is strict', () => {
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const text = (size: string, r = root, rest = '') => `log\n${size}\n${r}\n${rest}`;
  test('sizes: no leading zeros, signs, spaces, or numbers beyond 2^53-1', () => {
    assert.equal(parseCheckpoint(text('0')).size, 0);
    for (const bad of ['012', '00', '+5', '-1', ' 5', '5 ', '1e3', '0x10', '', '9007199254740992']) {
      assert.throws(() => parseCheckpoint(text(bad)), rule('checkpoint.size'), JSON.stringify(bad));
    }
    assert.equal(parseCheckpoint(text('9007199254740991')).size, Number.MAX_SAFE_INTEGER);
  });
  test('the root is canonical base64 of exactly 32 bytes', () => {
    assert.throws(() => parseCheckpoint(text('1', toBase64(new Uint8Array(31)))), rule('checkpoint.root'));
    assert.throws(() => parseCheckpoint(text('1', toBase64(new Uint8Array(33)))), rule('checkpoint.root'));
    assert.throws(() => parseCheckpoint(text('1', root.replace('I=', 'J='))), rule('checkpoint.root'));
    assert.throws(() => parseCheckpoint(text('1', root.slice(0, -1))), rule('checkpoint.root'));
  });
  test('origin non-empty, at least three lines, final newline, no empty extension line', () => {
    assert.throws(() => parseCheckpoint(`\n1\n${root}\n`), rule('checkpoint.format'));
    assert.throws(() => parseCheckpoint('log\n1\n'), rule('checkpoint.format'));
    assert.throws(() => parseCheckpoint(text('1').slice(0, -1)), rule('checkpoint.format'));
    assert.throws(() => parseCheckpoint(text('1', root, '\n')), rule('checkpoint.format'));
    assert.deepEqual(parseCheckpoint(text('1', root, 'ext one\next two\n')).extensions, ['ext one', 'ext two']);
  });
  test('formatCheckpoint refuses what parseCheckpoint would refuse', () => {
    assert.throws(() => formatCheckpoint({ ...cp, origin: '' }), rule('checkpoint.format'));
    assert.throws(() => formatCheckpoint({ ...cp, origin: 'a\nb' }), rule('checkpoint.format'));
    assert.throws(() => formatCheckpoint({ ...cp, size: 1.5 }), rule('checkpoint.size'));
    assert.throws(() => formatCheckpoint({ ...cp, size: -1 }), rule('checkpoint.size'));
    assert.throws(() => formatCheckpoint({ ...cp, root: new Uint8Array(20) }), rule('checkpoint.root'));
    assert.throws(() => formatCheckpoint({ ...cp, extensions: [''] }), rule('checkpoint.format'));
  });
  test('parseCheckpoint(formatCheckpoint(cp)) is cp', () => {
    const line = fc.string({ unit: fc.constantFrom('a', '/', '.', ' ', '+', 'é', '-'), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(line, fc.maxSafeNat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(line, { maxLength: 3 }), (origin, size, root, extensions) => {
        const c = { origin, size, root, extensions };
        assert.deepEqual(parseCheckpoint(formatCheckpoint(c)), c);
      }),
    );
  });
});

describe('signing and opening', () => {
  const note = signCheckpoint(cp, log.key, log.name);
  const text = formatCheckpoint(cp);

  test('the log signs the checkpoint text; opening gives back the checkpoint', () => {
    assert.equal(parseNote(note).text, text);
    const opened = openCheckpoint(note, log.vkey);
    assert.deepEqual(opened.checkpoint, cp);
    assert.equal(opened.text, text);
    assert.deepEqual(opened.cosignedBy, []);
  });
  test('another key cannot open it', () => {
    assert.throws(() => openCheckpoint(note, stranger.vkey), rule('note.unverified'));
  });
  test('a changed size or root breaks the signature', () => {
    const forged = note.replace('\n12\n', '\n13\n');
    assert.throws(() => openCheckpoint(forged, log.vkey), rule('note.signature'));
  });
  test("a checkpoint whose origin is not the key's name is refused (Parley: origin = key name)", () => {
    const other = signCheckpoint({ ...cp, origin: 'agreement-1/elsewhere' }, log.key, log.name);
    assert.throws(() => openCheckpoint(other, log.vkey), rule('checkpoint.origin'));
  });
  test('cosignatures by the given witnesses are verified and their times reported; others ignored', () => {
    const cosigned = `${note}${cosign(text, witness.key, witness.name, 1_800_000_000)}\n${cosign(text, stranger.key, stranger.name, 5)}\n`;
    const opened = openCheckpoint(cosigned, log.vkey, [witness.vkey]);
    assert.deepEqual(opened.cosignedBy, [{ name: witness.name, time: 1_800_000_000 }]);
    assert.deepEqual(opened.note.unverified, [stranger.name]);
  });
  test('a bad cosignature by a known witness rejects the checkpoint', () => {
    const wrong = cosign(formatCheckpoint({ ...cp, size: 11 }), witness.key, witness.name, 1_800_000_000);
    assert.throws(() => openCheckpoint(`${note}${wrong}\n`, log.vkey, [witness.vkey]), rule('note.signature'));
  });
  test('cosignatures alone, without the log signature, do not open a checkpoint', () => {
    const onlyCosigned = `${text}\n${cosign(text, witness.key, witness.name, 1)}\n`;
    assert.throws(() => openCheckpoint(onlyCosigned, log.vkey, [witness.vkey]), rule('checkpoint.signature'));
  });
  test("a witness's cosignature is not the log's signature even when the witness key is given as the log key", () => {
    const byWitness = `${text}\n${cosign(text, log.key, log.name, 1)}\n`;
    assert.throws(() => openCheckpoint(byWitness, log.vkey), rule('note.unverified'));
  });
  test('the signed text must be a checkpoint', () => {
    const notACheckpoint = signNote(`${log.name}\nhello\nworld\n`, [{ name: log.name, type: ED25519_TYPE, signingKey: log.key }]);
    assert.throws(() => openCheckpoint(notACheckpoint, log.vkey), rule('checkpoint.size'));
  });
});
