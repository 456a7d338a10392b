/** The node's TLS certificate: what it says, its fingerprint, and that TLS clients trusting it accept it. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { certificateFingerprint, createTlsIdentity, keyMatchesCertificate, TlsIdentityError } from '../../src/node/tls-identity.js';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

describe('createTlsIdentity', () => {
  test('a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1, valid ten years', async () => {
    const notBefore = new Date('2026-11-23T00:00:00Z');
    const id = await createTlsIdentity({ notBefore });
    const cert = new X509Certificate(id.certPem);
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.subject, cert.issuer);
    assert.ok(cert.verify(cert.publicKey), 'signed by its own key');
    assert.equal(cert.ca, false);
    assert.equal(new Date(cert.validFrom).toISOString(), notBefore.toISOString());
    assert.equal(new Date(cert.validTo).toISOString(), '2036-11-23T00:00:00.000Z');
    assert.ok(Date.parse(cert.validTo) - Date.parse(cert.validFrom) > 9.9 * YEAR_MS);
    assert.ok(keyMatchesCertificate(id.keyPem, id.certPem));
    assert.match(id.keyPem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
  });

  test('the hostnames given, DNS names and IP addresses (v4 and v6)', async () => {
    const id = await createTlsIdentity({ hostnames: ['parley.cert.avalon.example', '192.0.2.1', '2001:db8::1'] });
    assert.equal(new X509Certificate(id.certPem).subjectAltName, 'DNS:parley.cert.avalon.example, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1');
  });

  test('refuses a hostname with a scheme, a port or a space', async () => {
    for (const bad of ['https://x.example', 'x.example:8443', 'x example', '']) {
      await assert.rejects(createTlsIdentity({ hostnames: ['localhost', bad] }), TlsIdentityError, bad);
    }
  });

  test('every identity is new', async () => {
    const [a, b] = await Promise.all([createTlsIdentity(), createTlsIdentity()]);
    assert.notEqual(a.fingerprint, b.fingerprint);
    assert.notEqual(a.keyPem, b.keyPem);
    assert.equal(keyMatchesCertificate(a.keyPem, b.certPem), false);
  });
});

describe('certificateFingerprint', () => {
  test('SHA-256 of the DER, the same from PEM or DER, 64 lowercase hex digits', async () => {
    const id = await createTlsIdentity();
    const der = new X509Certificate(id.certPem).raw;
    const expected = createHash('sha256').update(der).digest('hex');
    assert.equal(certificateFingerprint(id.certPem), expected);
    assert.equal(certificateFingerprint(new Uint8Array(der)), expected);
    assert.equal(id.fingerprint, expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  test('refuses text that is not a PEM certificate', () => {
    assert.throws(() => certificateFingerprint('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'), TlsIdentityError);
  });
});

describe('TLS clients that trust the certificate accept it', () => {
  test('with hostname verification, by name and by IP address', async () => {
    const id = await createTlsIdentity();
    const server = createServer({ key: id.keyPem, cert: id.certPem }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      for (const host of ['localhost', '127.0.0.1']) {
        const req = get(`https://${host}:${port}/`, { ca: id.certPem, rejectUnauthorized: true, agent: false });
        const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
        assert.equal(res.statusCode, 200, host);
        res.resume();
      }
      // And one that trusts another certificate refuses it.
      const other = await createTlsIdentity();
      const req = get(`https://localhost:${port}/`, { ca: other.certPem, rejectUnauthorized: true, agent: false });
      const [error] = (await once(req, 'error')) as [NodeJS.ErrnoException];
      assert.match(String(error.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      server.close();
    }
  });
});
