import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';
import { appendEncryptionKey, KeyFileError, readEncryptionKeys, readKeyFile, readSigningKey, writeEncryptionKeys, writeKeyFile, writeSigningKey } from '../../src/node/key-file.js';
import { encryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { ED25519_TYPE, formatVerifierKey, parseVerifierKey } from '../../src/protocol/note-key.js';
import { sha256 } from '../../src/protocol/hash.js';
import { utf8 } from '../../src/protocol/encoding.js';

const dir = tempDir('parley-key-file-');
let n = 0;
const fresh = () => join(dir, `key-${++n}`);
const key = signingKeyFromSeed(sha256(utf8('key-file test')));
const isRoot = process.getuid?.() === 0;

function problem(p: string) {
  return (e: unknown) => e instanceof KeyFileError && e.problem === p;
}

describe('writing', () => {
  test('a new key file has mode 0600 and exactly the text', async () => {
    const path = fresh();
    await writeKeyFile(path, 'secret\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'secret\n');
  });
  test('mode 0600 even under a permissive umask', async () => {
    const old = process.umask(0o000);
    try {
      const path = fresh();
      await writeKeyFile(path, 'x');
      assert.equal(statSync(path).mode & 0o777, 0o600);
    } finally {
      process.umask(old);
    }
  });
  test('an existing file is never overwritten, and no temporary file is left behind', async () => {
    const sub = join(dir, 'exists');
    mkdirSync(sub);
    const path = join(sub, 'key');
    writeFileSync(path, 'the old key\n', { mode: 0o600 });
    await assert.rejects(writeKeyFile(path, 'a new key\n'), problem('exists'));
    assert.equal(readFileSync(path, 'utf8'), 'the old key\n');
    assert.deepEqual(readdirSync(sub), ['key']);
  });
  test('concurrent writers: exactly one wins, the file holds its whole text', async () => {
    const path = fresh();
    const texts = Array.from({ length: 8 }, (_, i) => `writer ${i}\n`.repeat(50));
    const results = await Promise.allSettled(texts.map((t) => writeKeyFile(path, t)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof KeyFileError && r.reason.problem === 'exists', String(r.reason));
    assert.ok(texts.includes(readFileSync(path, 'utf8')));
  });
  test('a missing folder is an io error naming the file', async () => {
    const path = join(dir, 'no-such-folder', 'key');
    await assert.rejects(writeKeyFile(path, 'x'), (e: unknown) => e instanceof KeyFileError && e.problem === 'io' && e.message.includes(path));
  });
});

describe('reading', () => {
  test('reads back what was written', async () => {
    const path = fresh();
    await writeKeyFile(path, 'hello\n');
    assert.equal(await readKeyFile(path), 'hello\n');
  });
  for (const mode of [0o640, 0o604, 0o620, 0o602, 0o644, 0o666]) {
    test(`mode ${mode.toString(8)} is refused with the file, the mode and the fix`, async () => {
      const path = fresh();
      await writeKeyFile(path, 'secret\n');
      chmodSync(path, mode);
      await assert.rejects(readKeyFile(path), (e: unknown) => {
        assert.ok(e instanceof KeyFileError && e.problem === 'permissions', String(e));
        assert.ok(e.message.includes(path), e.message);
        assert.ok(e.message.includes(`0${mode.toString(8)}`), e.message);
        assert.ok(e.message.includes(`chmod 600 ${path}`), e.message);
        return true;
      });
    });
  }
  test('mode 0400 (owner read-only) is accepted', async () => {
    const path = fresh();
    await writeKeyFile(path, 'secret\n');
    chmodSync(path, 0o400);
    assert.equal(await readKeyFile(path), 'secret\n');
  });
  test('a missing file, or a folder, is refused', async () => {
    await assert.rejects(readKeyFile(join(dir, 'nothing-here')), problem('missing'));
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { mode: 0o700 });
    await assert.rejects(readKeyFile(folder), problem('not-a-file'));
  });
  test('a symlink is judged by the file it points to', async () => {
    const target = fresh();
    await writeKeyFile(target, 'secret\n');
    chmodSync(target, 0o644);
    const link = join(dir, 'link-to-open-key');
    symlinkSync(target, link);
    await assert.rejects(readKeyFile(link), problem('permissions'));
  });
  test('an unreadable file is an io error (root can read it anyway, and does)', async () => {
    const path = fresh();
    await writeKeyFile(path, 'secret\n');
    chmodSync(path, 0o000);
    if (isRoot) assert.equal(await readKeyFile(path), 'secret\n');
    else await assert.rejects(readKeyFile(path), problem('io'));
  });
});

describe('signing keys', () => {
  const name = 'agreement-1/avalon';
  test('round trip: the same seed, name and public key', async () => {
    const path = fresh();
    await writeSigningKey(path, name, key);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^PRIVATE\+KEY\+agreement-1\/avalon\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/);
    const read = await readSigningKey(path);
    assert.equal(read.name, name);
    assert.equal(read.type, ED25519_TYPE);
    assert.deepEqual(read.signingKey.seed, key.seed);
    assert.deepEqual(read.keyId, parseVerifierKey(formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw)).keyId);
  });
  test('a file that is not a signer key is refused without echoing its content', async () => {
    const path = fresh();
    await writeKeyFile(path, 'PRIVATE+KEY+agreement-1/avalon+00000000+AVERYSECRETVALUEAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n');
    await assert.rejects(readSigningKey(path), (e: unknown) => {
      assert.ok(e instanceof KeyFileError && e.problem === 'format', String(e));
      assert.ok(!e.message.includes('AVERYSECRET'), e.message);
      return true;
    });
  });
  test('a verifier key is not a signing key', async () => {
    const path = fresh();
    await writeKeyFile(path, formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw) + '\n');
    await assert.rejects(readSigningKey(path), problem('format'));
  });
});

describe('encryption keys after a rotation', () => {
  const name = 'avalon-borealis/avalon';
  const key = (seed: number) => encryptionKeyPair(new Uint8Array(32).fill(seed));

  test('appending keeps the older keys first, the new one last, mode 0600, no temporary file left', async () => {
    const dir = tempDir();
    const path = join(dir, 'encryption.key');
    await writeEncryptionKeys(path, name, [key(1)]);
    chmodSync(path, 0o400);
    const all = await appendEncryptionKey(path, name, key(2));
    assert.deepEqual(all.map((k) => k.id), [key(1).id, key(2).id]);
    assert.deepEqual((await readEncryptionKeys(path, name)).map((k) => k.id), [key(1).id, key(2).id]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['encryption.key']);
  });

  test("a file of another party's keys is not appended to", async () => {
    const path = join(tempDir(), 'encryption.key');
    await writeEncryptionKeys(path, 'avalon-borealis/borduria', [key(1)]);
    await assert.rejects(appendEncryptionKey(path, name, key(2)), (e: unknown) => e instanceof KeyFileError && e.problem === 'format');
    assert.equal((await readEncryptionKeys(path, 'avalon-borealis/borduria')).length, 1);
  });
});
