/** `parley init` as an operator runs it: the files it makes, what it prints for the agreement, and what it refuses. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate as Certificate } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../support/temp.js';
import { examplesDir } from '../support/paths.js';
import { installAgreement, openDataDir } from '../../src/node/data-dir.js';
import { example } from '../protocol/agreement-fixtures.js';
import { signAgreement } from '../../src/protocol/agreement-signature.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = tempDir('parley-init-cli-');
let n = 0;
const fresh = () => join(root, `node-${++n}`);

function parley(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

interface Entry {
  id: string;
  node: string;
  signingKey: string;
  encryptionKey: string;
  tlsFingerprint: string;
}

/** The YAML entry init prints for the agreement. */
function printedEntry(stdout: string): Entry {
  const block = stdout.split('\n').filter((l) => /^ {2}(- | {2})\w+: /.test(l)).join('\n');
  const parsed = parse(block) as Entry[];
  assert.equal(parsed.length, 1, stdout);
  return parsed[0]!;
}

describe('parley init', () => {
  test('makes the data directory and prints the entry the agreement needs', async () => {
    const dir = fresh();
    const r = parley('init', '--data', dir, '--agreement-id', 'avalon-borduria', '--party', 'avalon', '--hostname', 'parley.avalon.example', '--hostname', '192.0.2.10', '--federation-port', '9443', '--api-port', '9080');
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['signing.key', 'encryption.key', 'tls/key.pem', 'node.json']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    const files = await openDataDir(dir);
    assert.deepEqual(printedEntry(r.stdout), { id: 'avalon', node: 'https://parley.avalon.example:9443', signingKey: files.vkey, encryptionKey: files.encryptionKey, tlsFingerprint: files.fingerprint });
    assert.equal(files.config.api.port, 9080);
    assert.equal(files.config.federation.port, 9443);
    const cert = new Certificate(readFileSync(join(dir, 'tls', 'cert.pem')));
    assert.equal(cert.subjectAltName, 'DNS:parley.avalon.example, IP Address:192.0.2.10');
    assert.match(r.stdout, /Next steps:/);
    assert.ok(r.stdout.includes(`parley serve --data ${dir}`));
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE/);
  });

  test('refuses to run twice on one directory, keeping the first key', () => {
    const dir = fresh();
    assert.equal(parley('init', '--data', dir, '--agreement-id', 'avalon-borduria', '--party', 'avalon').status, 0);
    const key = readFileSync(join(dir, 'signing.key'), 'utf8');
    const again = parley('init', '--data', dir, '--agreement-id', 'avalon-borduria', '--party', 'avalon');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /refusing to overwrite/);
    assert.equal(readFileSync(join(dir, 'signing.key'), 'utf8'), key);
  });

  test('the printed entries, pasted into the agreement and signed, install on both nodes', async () => {
    const dirs = { avalon: fresh(), borduria: fresh() };
    const a = example('avalon-borduria');
    for (const [party, dir] of Object.entries(dirs)) {
      const r = parley('init', '--data', dir, '--agreement-id', 'avalon-borduria', '--party', party, '--federation-port', party === 'avalon' ? '8443' : '8444');
      assert.equal(r.status, 0, r.stderr);
      Object.assign(a.parties.find((p) => p.id === party)!, printedEntry(r.stdout));
    }
    const avalon = await openDataDir(dirs.avalon);
    const borduria = await openDataDir(dirs.borduria);
    const signed = { agreement: a, signatures: [signAgreement(a, 'avalon', avalon.signingKey), signAgreement(a, 'borduria', borduria.signingKey)] };
    await installAgreement(dirs.avalon, signed);
    await installAgreement(dirs.borduria, signed);
    assert.equal((await openDataDir(dirs.borduria)).agreement?.agreement.parties[0]?.signingKey, avalon.vkey);
  });

  test("--agreement takes the id and the party's node URL from a draft", async () => {
    const dir = fresh();
    const r = parley('init', '--data', dir, '--agreement', join(examplesDir, 'avalon-borduria.yaml'), '--party', 'borduria');
    assert.equal(r.status, 0, r.stderr);
    const files = await openDataDir(dir);
    assert.equal(files.config.agreement, 'avalon-borduria');
    assert.equal(files.config.federation.url, 'https://parley.rrc.borduria.example');
    assert.equal(new Certificate(readFileSync(join(dir, 'tls', 'cert.pem'))).subjectAltName, 'DNS:parley.rrc.borduria.example');
  });

  const usageErrors: Array<[string, string[], RegExp]> = [
    ['no agreement id', ['--party', 'avalon'], /--agreement-id is required/],
    ['no party', ['--agreement-id', 'avalon-borduria'], /--party/],
    ['a port out of range', ['--agreement-id', 'avalon-borduria', '--party', 'avalon', '--api-port', '70000'], /--api-port must be a port number/],
    ['a hostname with a scheme', ['--agreement-id', 'avalon-borduria', '--party', 'avalon', '--hostname', 'https://x.example'], /not a hostname/],
    ['a party id that cannot name a key', ['--agreement-id', 'avalon-borduria', '--party', 'Avalon'], /not a valid party id/],
    ['a draft without the party', ['--agreement', join(examplesDir, 'avalon-borduria.yaml'), '--party', 'carpania'], /has no party "carpania".*avalon, borduria/],
    ['an id that differs from the draft', ['--agreement', join(examplesDir, 'avalon-borduria.yaml'), '--agreement-id', 'other', '--party', 'avalon'], /differs/],
  ];
  for (const [what, args, message] of usageErrors) {
    test(`exit 2 for ${what}, making nothing`, () => {
      const dir = fresh();
      const r = parley('init', '--data', dir, ...args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.throws(() => statSync(join(dir, 'signing.key')), /ENOENT/);
    });
  }

  test('--help explains the command with examples', () => {
    const r = parley('init', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--agreement-id <id>/);
    assert.match(r.stdout, /Examples:\n {2}\$ parley init --data/);
  });
});
