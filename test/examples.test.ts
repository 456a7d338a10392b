/**
 * The example agreements the demo and docs/agreement.md use: they validate, their signed forms are in force and
 * match the YAML they were made from, and their keys are the ones docs/agreement.md says anyone can re-derive.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { examplesDir, projectRoot } from './support/paths.js';
import { parseAgreement, readAgreementText } from '../src/protocol/agreement-parse.js';
import { checkSignedAgreement, type SignedAgreement } from '../src/protocol/agreement-signature.js';
import { signingKeyFromSeed } from '../src/protocol/keys.js';
import { parseVerifierKey } from '../src/protocol/note-key.js';
import { exampleText, type ExampleName } from './protocol/agreement-fixtures.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const EXAMPLES: { name: ExampleName; parties: number; languages: string[] }[] = [
  { name: 'avalon-borduria', parties: 2, languages: ['en', 'ru'] },
  { name: 'regional-5', parties: 5, languages: ['en', 'ru', 'vi'] },
];

test('every YAML example has a signed form, and both are tested here', () => {
  const files = readdirSync(examplesDir);
  const yaml = files.filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  assert.deepEqual(yaml, EXAMPLES.map((e) => e.name).sort());
  for (const name of yaml) assert.ok(files.includes(`${name}.signed.json`), `${name}.signed.json`);
});

for (const { name, parties, languages } of EXAMPLES) {
  describe(`examples/${name}`, () => {
    const agreement = parseAgreement(exampleText(name), 'yaml');
    const signed = readAgreementText(exampleText(name, 'signed.json'), 'json') as SignedAgreement;

    test(`validates: ${parties} parties, working languages ${languages.join(', ')}`, () => {
      assert.equal(agreement.parties.length, parties);
      assert.deepEqual(agreement.languages, languages);
      assert.equal(agreement.version, 1);
    });

    test('the signed form is in force: every party has signed', () => {
      const status = checkSignedAgreement(signed);
      assert.equal(status.inForce, true);
      assert.deepEqual(status.signed, agreement.parties.map((p) => p.id));
    });

    test('the signed form is the YAML, validated (re-sign with scripts/example-keys.mjs if this fails)', () => {
      assert.deepEqual(signed.agreement, agreement);
    });

    test('each key is derived from the published seed SHA-256("parley example key: <party>")', () => {
      for (const p of agreement.parties) {
        const derived = signingKeyFromSeed(new Uint8Array(sha256(`parley example key: ${p.id}`)));
        assert.deepEqual(parseVerifierKey(p.signingKey).key, derived.publicKey.raw, p.id);
      }
    });

    test('each TLS fingerprint is the documented placeholder, not a real certificate', () => {
      for (const p of agreement.parties) {
        assert.equal(p.tlsFingerprint, sha256(`parley example placeholder tls certificate: ${p.id}`).toString('hex'), p.id);
      }
    });

    test('every party has a technical and a diplomatic contact who works in one of its languages', () => {
      for (const p of agreement.parties) {
        for (const tier of ['technical', 'diplomatic']) {
          const c = agreement.contacts.find((x) => x.party === p.id && x.tier === tier);
          assert.ok(c, `${p.id} ${tier}`);
          assert.ok(c.languages.some((l) => p.languages.includes(l)));
        }
      }
    });

    test('commits to non-interference in electoral processes and to no first use against critical infrastructure', () => {
      const ids = agreement.commitments.map((c) => c.id);
      assert.ok(ids.includes('electoral-non-interference'));
      assert.ok(ids.includes('no-first-use-against-critical-infrastructure'));
    });
  });
}

test('scripts/example-keys.mjs re-derives the keys and finds every signed form up to date', () => {
  // The compiled protocol the script loads: this test runs from <outDir>/test/.
  const build = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const run = (...args: string[]) => spawnSync(process.execPath, [join(projectRoot, 'scripts', 'example-keys.mjs'), ...args], { cwd: projectRoot, env: { ...process.env, PARLEY_BUILD: build }, encoding: 'utf8' });
  const check = run('check');
  assert.equal(check.status, 0, check.stderr);
  const keys = run('keys', 'avalon-borduria', 'avalon');
  assert.equal(keys.status, 0, keys.stderr);
  const avalon = parseAgreement(exampleText('avalon-borduria'), 'yaml').parties[0]!;
  assert.ok(keys.stdout.includes(`signingKey: ${avalon.signingKey}`), keys.stdout);
});
