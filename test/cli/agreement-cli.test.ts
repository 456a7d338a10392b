/**
 * `parley agreement sign | assemble | install` as operators use them: each party signs the same document with its
 * node's key, the signatures are assembled into the signed agreement, and each node installs it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';
import { runParley } from '../support/cli.js';
import { agreementFor, initParty } from '../node/identity-fixtures.js';


const parley = runParley;

async function setUp(): Promise<{ root: string; avalon: string; borduria: string; draft: string }> {
  const root = tempDir('parley-agreement-cli-');
  const avalon = await initParty('avalon', 18501, root);
  const borduria = await initParty('borduria', 18502, root);
  const draft = join(root, 'agreement.json');
  writeFileSync(draft, JSON.stringify(agreementFor([avalon, borduria]).agreement, null, 2));
  return { root, avalon: avalon.dir, borduria: borduria.dir, draft };
}

test('each party signs, the signatures assemble into an agreement in force, and both nodes install it', async () => {
  const { root, avalon, borduria, draft } = await setUp();
  const sigA = join(root, 'sig-avalon.json');
  const signedA = await parley(['agreement', 'sign', draft, '--data', avalon, '--out', sigA]);
  assert.equal(signedA.status, 0, signedA.stderr);
  assert.match(signedA.stderr, /hash [0-9a-f]{64}/);
  const signedB = await parley(['agreement', 'sign', draft, '--data', borduria]);
  assert.equal(signedB.status, 0, signedB.stderr);
  const sigB = join(root, 'sig-borduria.json');
  writeFileSync(sigB, signedB.stdout);

  const half = await parley(['agreement', 'assemble', draft, sigA]);
  assert.equal(half.status, 0, half.stderr);
  assert.match(half.stderr, /not in force yet: signed by avalon; missing borduria/);
  const halfFile = join(root, 'half.json');
  writeFileSync(halfFile, half.stdout);
  const refused = await parley(['agreement', 'install', halfFile, '--data', avalon]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /borduria/);

  const signedFile = join(root, 'agreement.signed.json');
  const whole = await parley(['agreement', 'assemble', draft, sigA, sigB, '--out', signedFile]);
  assert.equal(whole.status, 0, whole.stderr);
  assert.match(whole.stderr, /in force: signed by every party \(avalon, borduria\)/);
  for (const dir of [avalon, borduria]) {
    const r = await parley(['agreement', 'install', signedFile, '--data', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /installed agreement avalon-borduria version 1/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'agreement.json'), 'utf8')).signatures.map((s: { party: string }) => s.party).sort(), ['avalon', 'borduria']);
  }
});

test("a party will not sign a document that gives it another key, and bad files are named", async () => {
  const { root, avalon, draft } = await setUp();
  const doc = JSON.parse(readFileSync(draft, 'utf8'));
  // A valid key for avalon — but another node's, not this one's.
  doc.parties[0].signingKey = (await initParty('avalon', 18503, tempDir('parley-agreement-other-'))).vkey;
  const wrong = join(root, 'wrong.json');
  writeFileSync(wrong, JSON.stringify(doc));
  const r = await parley(['agreement', 'sign', wrong, '--data', avalon]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /gives avalon the key .* but this node's key is/);
  assert.equal(r.stdout, '', 'no signature is printed');

  const notJson = join(root, 'sig-garbage.json');
  writeFileSync(notJson, 'hello');
  const bad = await parley(['agreement', 'assemble', draft, notJson]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /sig-garbage\.json is not JSON/);

  const missing = await parley(['agreement', 'sign', join(root, 'nope.yaml'), '--data', avalon]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the agreement .*nope\.yaml/);
});
