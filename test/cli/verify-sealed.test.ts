/**
 * `parley verify` on a real export with sealed bodies (three parties' nodes, in process): without a key it says how
 * many bodies are sealed and to whom; with a party's key it opens every body sealed to that party; a key of a party
 * that is no recipient is told so; a body its author signed but that does not open is named by index and reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportOwnLog } from '../../src/node/node-export.js';
import { writeEncryptionKeys } from '../../src/node/key-file.js';
import { fromBase64, toBase64 } from '../../src/protocol/encoding.js';
import { encryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { STATEMENT_TYPES } from '../../src/protocol/statement-types.js';
import { AGREEMENT_ID, partyEncryptionKey } from '../support/case-builder.js';
import { runParley } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { testNet, type TestNet } from '../node/core-network.js';

const PARTIES = ['avalon', 'borduria', 'carpathia'];
const dir = tempDir('parley-verify-sealed-');
let net: TestNet;
let clean: string;
let tampered: string;
let tamperedIndex: number;

let dirs = 0;
/** A party's data directory as far as verify --key reads it: its encryption.key. */
async function keyDir(party: string, keys = [partyEncryptionKey(PARTIES.indexOf(party))]): Promise<string> {
  const d = join(dir, `${party}-${++dirs}`);
  mkdirSync(d);
  await writeEncryptionKeys(join(d, 'encryption.key'), `${AGREEMENT_ID}/${party}`, keys);
  return d;
}

const notification = (to: string[] | undefined, n: number) => ({
  type: 'notification', case: `avalon:2026-${n}`, body: { ...STATEMENT_TYPES.get('notification')!.example }, ...(to ? { to } : {}),
});

describe('parley verify, sealed bodies', () => {
  before(async () => {
    net = await testNet(PARTIES);
    const avalon = net.node('avalon');
    await avalon.send(notification(['borduria'], 1));
    await avalon.send(notification(['borduria'], 2));
    await avalon.send(notification(['carpathia'], 3));
    await avalon.send(notification(undefined, 4));
    clean = join(dir, 'clean.jsonl');
    await exportOwnLog(avalon, clean);
    // An author that signs a body that does not open: its ciphertext altered after sealing, before signing.
    const sealing = avalon.ctx.sealing;
    const honest = sealing.sealIfNeeded.bind(sealing);
    sealing.sealIfNeeded = async (u) => {
      const s = await honest(u);
      const bytes = fromBase64(s.sealed!.ciphertext);
      bytes[0] = bytes[0]! ^ 1;
      return { ...s, sealed: { ...s.sealed!, ciphertext: toBase64(bytes) } };
    };
    tamperedIndex = (await avalon.send(notification(['borduria'], 5))).statement.index;
    sealing.sealIfNeeded = honest;
    tampered = join(dir, 'tampered.jsonl');
    await exportOwnLog(avalon, tampered);
  });
  after(async () => net?.close());

  test('without a key: the log verifies, and verify says how many bodies are sealed and to whom', async () => {
    const r = await runParley(['verify', clean, '--workers', '0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sealed bodies 3 \(2 to avalon\+borduria, 1 to avalon\+carpathia\)/);
  });

  test("with the addressee's data directory: every body sealed to it opens", async () => {
    const r = await runParley(['verify', clean, '--key', await keyDir('borduria'), '--workers', '0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /with borduria's keys: 2 of 2 sealed to borduria open; not a recipient of 1 statements/);
  });

  test("with the author's key file: all its own sealed bodies open (--json)", async () => {
    const file = join(await keyDir('avalon'), 'encryption.key');
    const r = await runParley(['verify', clean, '--key', file, '--json', '--workers', '0']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.deepEqual(out.sealed.key, { party: 'avalon', opened: 3, notRecipient: 0, failures: [] });
  });

  test("a party's old key still opens what was sealed to it, beside a newer one", async () => {
    const newer = encryptionKeyPair(new Uint8Array(32).fill(0x77));
    const d = await keyDir('carpathia', [partyEncryptionKey(2), newer]);
    const r = await runParley(['verify', clean, '--key', d, '--workers', '0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /with carpathia's keys: 1 of 1 sealed to carpathia open; not a recipient of 2 statements/);
  });

  test("a wrong party's key is told it is not a recipient", async () => {
    const r = await runParley(['verify', clean, '--key', await keyDir('carpathia'), '--json', '--workers', '0']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).sealed.key, { party: 'carpathia', opened: 1, notRecipient: 2, failures: [] });
  });

  test("a key that is not the one the body was sealed to: each body is named, exit 1", async () => {
    const impostor = join(dir, 'impostor');
    mkdirSync(impostor);
    await writeEncryptionKeys(join(impostor, 'encryption.key'), `${AGREEMENT_ID}/borduria`, [encryptionKeyPair(new Uint8Array(32).fill(0x99))]);
    const r = await runParley(['verify', clean, '--key', impostor, '--workers', '0']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^INVALID .*\n  2 of 2 bodies sealed to borduria do not open:/);
    assert.match(r.stderr, /index 0: sealed\.unknown-key: /);
    assert.match(r.stderr, /index 1: sealed\.unknown-key: /);
  });

  test('a tampered sealed body: the log still verifies without a key, and with the key it is reported by index', async () => {
    const plain = await runParley(['verify', tampered, '--workers', '0']);
    assert.equal(plain.status, 0, 'the author signed it: the log itself is sound');
    const borduria = await keyDir('borduria');
    const r = await runParley(['verify', tampered, '--key', borduria, '--workers', '0']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /1 of 3 bodies sealed to borduria do not open:/);
    assert.match(r.stderr, new RegExp(`index ${tamperedIndex}: sealed\\.open: `));
    const json = JSON.parse((await runParley(['verify', tampered, '--key', borduria, '--json', '--workers', '0'])).stdout);
    assert.equal(json.valid, false);
    assert.deepEqual(json.sealed.key.failures.map((f: { index: number; rule: string }) => [f.index, f.rule]), [[tamperedIndex, 'sealed.open']]);
  });

  test('a key that cannot be read, or of another agreement, is bad usage (exit 2)', async () => {
    const missing = await runParley(['verify', clean, '--key', join(dir, 'nowhere')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^parley verify: .*nowhere/);
    const other = join(dir, 'other-agreement');
    mkdirSync(other);
    await writeEncryptionKeys(join(other, 'encryption.key'), 'another-agreement/borduria', [partyEncryptionKey(1)]);
    const r = await runParley(['verify', clean, '--key', other]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /for agreement "another-agreement", but .* is a log of agreement "avalon-borealis"/);
  });
});
