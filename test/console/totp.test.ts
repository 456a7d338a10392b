import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base32Decode, base32Encode, Base32Error, hotp, totp, verifyTotp } from '../../src/console/totp.js';

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's block of key length.
const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
const RFC6238: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  test('gives the RFC\'s test vectors for SHA-1, SHA-256 and SHA-512 at 8 digits', () => {
    for (const [t, sha1, sha256, sha512] of RFC6238) {
      assert.equal(totp(SEED_SHA1, t, { digits: 8 }), sha1, `SHA-1 at ${t}`);
      assert.equal(totp(SEED_SHA256, t, { digits: 8, algorithm: 'sha256' }), sha256, `SHA-256 at ${t}`);
      assert.equal(totp(SEED_SHA512, t, { digits: 8, algorithm: 'sha512' }), sha512, `SHA-512 at ${t}`);
    }
  });

  test('HOTP gives RFC 4226\'s Appendix D values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, i) => assert.equal(hotp(SEED_SHA1, BigInt(i)), code));
  });

  test('accepts the code of this step and the steps either side, nothing older or malformed', () => {
    const secret = base32Encode(SEED_SHA1);
    const now = 1_700_000_000;
    const code = totp(SEED_SHA1, now);
    assert.ok(verifyTotp(secret, code, now));
    assert.ok(verifyTotp(secret, code, now + 30));
    assert.ok(!verifyTotp(secret, code, now + 90));
    assert.ok(!verifyTotp(secret, '12345', now));
    assert.ok(!verifyTotp(secret, 'abcdef', now));
  });

  test('base32 round-trips any bytes and refuses letters outside its alphabet', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.deepEqual(new Uint8Array(base32Decode(base32Encode(bytes))), bytes);
    }));
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI'); // RFC 4648 §10, without padding
    assert.throws(() => base32Decode('MZ1W'), Base32Error);
  });
});
