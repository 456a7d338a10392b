/** The data directory: what init writes, that it never overwrites keys, and what openDataDir/installAgreement check. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, existsSync, chmodSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';
import { DataDirError, databaseOf, initDataDir, installAgreement, openDataDir } from '../../src/node/data-dir.js';
import { KeyFileError } from '../../src/node/key-file.js';
import { NodeConfigError } from '../../src/node/node-config.js';
import { parseVerifierKey } from '../../src/protocol/note-key.js';
import { sign, verify } from '../../src/protocol/keys.js';
import { certificateFingerprint } from '../../src/node/tls-identity.js';
import { checkSignedAgreement, signAgreement } from '../../src/protocol/agreement-signature.js';
import { agreementFor, AGREEMENT_ID, initParty, twoParties } from './identity-fixtures.js';

const root = tempDir('parley-data-dir-');
let n = 0;
const fresh = () => join(root, `node-${++n}`);
const mode = (path: string) => statSync(path).mode & 0o777;

function problem(p: string) {
  return (e: unknown) => {
    assert.ok(e instanceof DataDirError, `expected DataDirError, got ${String(e)}`);
    assert.equal(e.problem, p, e.message);
    return true;
  };
}

describe('initDataDir', () => {
  test('writes the config, the keys 0600 and the certificate', async () => {
    const dir = fresh();
    const r = await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon', hostnames: ['parley.avalon.example', '192.0.2.7'] });
    assert.equal(mode(join(dir, 'signing.key')), 0o600);
    assert.equal(mode(join(dir, 'tls', 'key.pem')), 0o600);
    assert.equal(mode(join(dir, 'node.json')), 0o600);
    assert.match(readFileSync(join(dir, 'signing.key'), 'utf8'), /^PRIVATE\+KEY\+avalon-borduria\/avalon\+[0-9a-f]{8}\+\S+\n$/);
    assert.match(readFileSync(join(dir, 'tls', 'key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    const certPem = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    assert.equal(certificateFingerprint(certPem), r.fingerprint);
    assert.equal(parseVerifierKey(r.vkey).name, 'avalon-borduria/avalon');
    const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));
    assert.deepEqual(config, {
      format: 'parley/node/v1',
      agreement: 'avalon-borduria',
      party: 'avalon',
      federation: { host: '0.0.0.0', port: 8443, url: 'https://parley.avalon.example:8443' },
      api: { host: '127.0.0.1', port: 8080 },
      database: { driver: 'sqlite', file: 'parley.db' },
    });
    assert.equal(existsSync(join(dir, 'agreement.json')), false);
  });

  test('two inits make two different keys and certificates', async () => {
    const a = await initDataDir({ dir: fresh(), agreementId: AGREEMENT_ID, party: 'avalon' });
    const b = await initDataDir({ dir: fresh(), agreementId: AGREEMENT_ID, party: 'avalon' });
    assert.notEqual(a.vkey, b.vkey);
    assert.notEqual(a.fingerprint, b.fingerprint);
  });

  test('refuses a directory that already holds a node, and leaves its keys as they were', async () => {
    const dir = fresh();
    await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' });
    const key = readFileSync(join(dir, 'signing.key'), 'utf8');
    const cert = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    await assert.rejects(initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' }), problem('already-initialized'));
    assert.equal(readFileSync(join(dir, 'signing.key'), 'utf8'), key);
    assert.equal(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'), cert);
  });

  test('refuses a directory with a key even without node.json (an unfinished init)', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'signing.key'), 'PRIVATE+KEY+whatever\n', { mode: 0o600 });
    await assert.rejects(initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' }), problem('already-initialized'));
    assert.equal(readFileSync(join(dir, 'signing.key'), 'utf8'), 'PRIVATE+KEY+whatever\n');
  });

  test('accepts a directory holding unrelated files', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'README'), 'notes\n');
    await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' });
    assert.equal(readFileSync(join(dir, 'README'), 'utf8'), 'notes\n');
  });

  test('postgres instead of SQLite, and an IPv6 hostname bracketed in the URL', async () => {
    const dir = fresh();
    const r = await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon', hostnames: ['::1'], federationPort: 9443, postgresUrl: 'postgres://parley:pw@db/parley' });
    assert.deepEqual(r.config.database, { driver: 'postgres', url: 'postgres://parley:pw@db/parley' });
    assert.equal(r.config.federation.url, 'https://[::1]:9443');
  });

  test('refuses ids that could not name a key, before writing anything', async () => {
    const dir = fresh();
    await assert.rejects(initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'Avalon HQ' }), problem('usage'));
    assert.equal(existsSync(dir), false);
  });
});

describe('openDataDir', () => {
  test('round trip: the key, the certificate and the config init wrote', async () => {
    const dir = fresh();
    const r = await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'borduria' });
    const files = await openDataDir(dir);
    assert.equal(files.dir, r.dir);
    assert.deepEqual(files.config, r.config);
    assert.equal(files.vkey, r.vkey);
    assert.equal(files.keyName, 'avalon-borduria/borduria');
    assert.equal(files.fingerprint, r.fingerprint);
    assert.equal(files.agreement, undefined);
    // The key read back signs for the vkey init printed.
    const message = new TextEncoder().encode('hello');
    assert.ok(verify(parseVerifierKey(r.vkey).publicKey, message, sign(files.signingKey, message)));
    assert.deepEqual(databaseOf(files), { driver: 'sqlite', file: join(r.dir, 'parley.db') });
  });

  test('not a data directory', async () => {
    await assert.rejects(openDataDir(fresh()), problem('not-initialized'));
  });

  test('a hand-edit that breaks node.json is named by field', async () => {
    const dir = fresh();
    await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' });
    const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));
    config.api.port = 'eighty';
    writeFileSync(join(dir, 'node.json'), JSON.stringify(config));
    await assert.rejects(openDataDir(dir), (e) => e instanceof NodeConfigError && e.field === 'api.port');
  });

  test('a key file others can read is refused', async () => {
    const dir = fresh();
    await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' });
    chmodSync(join(dir, 'tls', 'key.pem'), 0o644);
    await assert.rejects(openDataDir(dir), (e) => e instanceof KeyFileError && e.problem === 'permissions');
  });

  test('node.json naming another party than the key is refused', async () => {
    const dir = fresh();
    await initDataDir({ dir, agreementId: AGREEMENT_ID, party: 'avalon' });
    const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));
    config.party = 'borduria';
    writeFileSync(join(dir, 'node.json'), JSON.stringify(config));
    await assert.rejects(openDataDir(dir), problem('key-name'));
  });

  test('a certificate that is not of the TLS key is refused', async () => {
    const a = fresh();
    const b = fresh();
    await initDataDir({ dir: a, agreementId: AGREEMENT_ID, party: 'avalon' });
    await initDataDir({ dir: b, agreementId: AGREEMENT_ID, party: 'avalon' });
    copyFileSync(join(b, 'tls', 'cert.pem'), join(a, 'tls', 'cert.pem'));
    await assert.rejects(openDataDir(a), problem('tls-mismatch'));
  });
});

describe('installAgreement', () => {
  test('installs the agreement signed by every party, and openDataDir returns it', async () => {
    const { avalon, borduria, signed } = await twoParties();
    await installAgreement(avalon.dir, signed);
    await installAgreement(borduria.dir, signed);
    const files = await openDataDir(avalon.dir);
    assert.equal(files.agreement?.agreement.id, AGREEMENT_ID);
    assert.equal(files.agreement?.agreement.parties.find((p) => p.id === 'avalon')?.tlsFingerprint, avalon.fingerprint);
    // The defaults the validator writes in are there for the node (the example leaves this one out).
    assert.equal(files.agreement?.agreement.deadlines.priorNoticeLeadTime, 'P3D');
  });

  test("refuses an agreement listing another key for this party, naming both", async () => {
    const { avalon, borduria } = await twoParties();
    const stranger = await initParty('avalon', 18445);
    const signed = agreementFor([stranger, borduria]);
    await assert.rejects(installAgreement(avalon.dir, signed), (e) => {
      problem('signing-key-mismatch')(e);
      assert.ok((e as Error).message.includes(stranger.vkey) && (e as Error).message.includes(avalon.vkey));
      return true;
    });
    assert.equal(existsSync(join(avalon.dir, 'agreement.json')), false);
  });

  test('refuses an agreement listing another certificate for this party, naming both fingerprints', async () => {
    const { avalon, borduria } = await twoParties();
    const a = agreementFor([avalon, borduria]).agreement;
    const wrong = 'ab'.repeat(32);
    a.parties.find((p) => p.id === 'avalon')!.tlsFingerprint = wrong;
    const signed = { agreement: a, signatures: [signAgreement(a, 'avalon', avalon.signingKey), signAgreement(a, 'borduria', borduria.signingKey)] };
    await assert.rejects(installAgreement(avalon.dir, signed), (e) => {
      problem('fingerprint-mismatch')(e);
      assert.ok((e as Error).message.includes(wrong) && (e as Error).message.includes(avalon.fingerprint));
      return true;
    });
  });

  test('refuses an agreement not every party has signed', async () => {
    const { avalon, signed } = await twoParties();
    await assert.rejects(installAgreement(avalon.dir, { ...signed, signatures: signed.signatures.slice(0, 1) }), (e) => {
      problem('agreement-not-in-force')(e);
      assert.match((e as Error).message, /no signature from borduria/);
      return true;
    });
  });

  test('refuses a tampered agreement', async () => {
    const { avalon, signed } = await twoParties();
    const tampered = structuredClone(signed);
    tampered.agreement.deadlines.acknowledgement = { ...tampered.agreement.deadlines.acknowledgement, critical: 'P30D' };
    await assert.rejects(installAgreement(avalon.dir, tampered), problem('agreement-invalid'));
  });

  test('openDataDir refuses an agreement.json copied in by hand that lists another key for this node', async () => {
    const { avalon, borduria } = await twoParties();
    const stranger = await initParty('avalon', 18446);
    writeFileSync(join(avalon.dir, 'agreement.json'), JSON.stringify(agreementFor([stranger, borduria])));
    await assert.rejects(openDataDir(avalon.dir), (e) => {
      problem('signing-key-mismatch')(e);
      assert.ok((e as Error).message.startsWith(join(avalon.dir, 'agreement.json')), (e as Error).message);
      return true;
    });
  });

  test('refuses to go back to an earlier version', async () => {
    const { avalon, borduria, signed } = await twoParties();
    const v2 = structuredClone(signed.agreement);
    v2.version = 2;
    v2.previous = checkSignedAgreement(signed).hash;
    const signedV2 = { agreement: v2, signatures: [signAgreement(v2, 'avalon', avalon.signingKey), signAgreement(v2, 'borduria', borduria.signingKey)] };
    await installAgreement(avalon.dir, signedV2);
    await assert.rejects(installAgreement(avalon.dir, signed), problem('agreement-downgrade'));
    assert.equal((await openDataDir(avalon.dir)).agreement?.agreement.version, 2);
  });
});
