/** The statement envelope: signing, hashing, the shape rules, and the audit's fast path to the same bytes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash, verify as nodeVerify, createPublicKey } from 'node:crypto';
import canonicalize from 'canonicalize';
import { checkEnvelope, parseStatement, signStatement, statementDigest, verifyHashedSignature, verifyStatementSignature, type Statement, type UnsignedStatement } from '../../src/protocol/statement.js';
import { isCanonicalTextOf } from '../../src/protocol/canonical.js';
import { FormatError, SignatureError } from '../../src/protocol/errors.js';
import { testParty } from '../support/log-builder.js';

const avalon = testParty('avalon-borduria', 'avalon');
const base: UnsignedStatement = {
  v: 1,
  agreement: 'avalon-borduria',
  author: 'avalon',
  index: 7,
  time: '2026-11-22T03:00:00.000Z',
  to: ['borduria'],
  type: 'notification',
  case: 'avalon:2026-0001',
  refs: [],
  body: { category: 'availability.ddos', severity: 'high', summary: 'Поток запросов — Tấn công' },
};

describe('signing and hashing, checked against the definitions in docs/protocol.md', () => {
  test('the signature is Ed25519 over the prefix and the JCS of the envelope without sig', () => {
    const s = signStatement(base, avalon.key);
    const message = Buffer.from('parley/statement/v1\n' + canonicalize(base));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), avalon.key.publicKey.raw]);
    assert.ok(nodeVerify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(s.statement.sig, 'base64')));
  });

  test('the hash is SHA-256(0x00 || JCS of the signed statement), in hex', () => {
    const s = signStatement(base, avalon.key);
    const expected = createHash('sha256').update(Buffer.from([0])).update(canonicalize(s.statement)!).digest('hex');
    assert.equal(s.hash, expected);
    assert.deepEqual(parseStatement(JSON.stringify(s.statement)).hash, expected);
  });

  test('a changed field breaks the signature', () => {
    const s = signStatement(base, avalon.key).statement;
    for (const changed of [{ ...s, index: 8 }, { ...s, to: ['cordovia'] }, { ...s, body: { ...s.body, severity: 'low' } }, { ...s, case: null }]) {
      assert.throws(() => verifyStatementSignature(changed, avalon.key.publicKey), SignatureError);
    }
    verifyStatementSignature(s, avalon.key.publicKey);
  });

  test('the push path checks the signature on the bytes cut from the leaf, with the same verdict as canonicalizing again', () => {
    const s = signStatement(base, avalon.key).statement;
    verifyHashedSignature(parseStatement(JSON.stringify(s)), avalon.key.publicKey);
    for (const changed of [{ ...s, index: 8 }, { ...s, to: ['cordovia'] }, { ...s, body: { ...s.body, severity: 'low' } }, { ...s, case: null }]) {
      assert.throws(() => verifyHashedSignature(parseStatement(changed), avalon.key.publicKey), SignatureError);
    }
    // Bodies that look like the envelope's own fields, in any order, and any text: the cut still finds the signature.
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('time', 'sig', 'zz', 'a', ',"time":'), fc.string()), fc.string(), (body, summary) => {
      const signed = signStatement({ ...base, body: { ...body, summary } }, avalon.key).statement;
      const parsed = parseStatement(JSON.parse(JSON.stringify(signed)) as unknown);
      verifyHashedSignature(parsed, avalon.key.publicKey);
      assert.throws(() => verifyHashedSignature(parseStatement({ ...signed, body: { ...signed.body, extra: 1 } }), avalon.key.publicKey), SignatureError);
    }), { numRuns: 200 });
  });
});

describe('the envelope rules', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['statement.v', { v: 2 }],
    ['statement.agreement', { agreement: 'Avalon Borduria' }],
    ['statement.index', { index: -1 }],
    ['statement.index', { index: 1.5 }],
    ['statement.time', { time: '2026-11-22T03:00:00Z' }],
    ['statement.to', { to: [] }],
    ['statement.to', { to: ['zeta', 'borduria'] }],
    ['statement.to', { to: ['avalon'] }],
    ['statement.case', { case: 'no-colon' }],
    ['statement.refs', { refs: [{ party: 'borduria', index: 0, hash: 'ABC' }] }],
    ['statement.shape', { extra: true }],
    ['statement.body', { body: undefined }],
  ];
  for (const [rule, change] of bad) {
    test(`${rule}: ${JSON.stringify(change)}`, () => {
      const value = JSON.parse(JSON.stringify({ ...base, ...change, sig: 'AA==' }));
      assert.throws(() => checkEnvelope(value, true), (e: unknown) => e instanceof FormatError && e.rule === rule);
    });
  }
});

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
})).value;

describe("the audit's fast path gives exactly the bytes of canonicalization", () => {
  test('for the canonical text of any statement, and declines any other text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), jsonValue, { maxKeys: 5 }), fc.boolean(), (body, reorder) => {
        const s = signStatement({ ...base, body: JSON.parse(JSON.stringify(body)) }, avalon.key).statement;
        const canonical = canonicalize(s)!;
        const parsed = JSON.parse(canonical) as Statement;
        assert.deepEqual(statementDigest(parsed, canonical), statementDigest(parsed));
        // Another serialization of the same value is never taken for the canonical one.
        const other = reorder ? JSON.stringify(parsed, Object.keys(parsed).reverse()) : JSON.stringify(parsed, null, 1);
        if (other !== canonical) {
          assert.equal(isCanonicalTextOf(other, parsed), false);
          assert.deepEqual(statementDigest(parsed, other), statementDigest(parsed));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('is taken for a statement as Parley writes it', () => {
    const s = signStatement(base, avalon.key).statement;
    const text = canonicalize(s)!;
    assert.equal(isCanonicalTextOf(text, JSON.parse(text)), true);
  });

  test('keys JSON.parse moves (integer-like) are not mistaken for sorted ones', () => {
    const text = '{"10":1,"9":2}';
    assert.equal(canonicalize(JSON.parse(text)), text);
    assert.equal(isCanonicalTextOf(text, JSON.parse(text)), false); // declined, so canonicalization decides
  });
});
