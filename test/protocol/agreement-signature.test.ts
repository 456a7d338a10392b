import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import type { Agreement } from '../../src/protocol/agreement.js';
import {
  agreementHash, agreementSigningBytes, checkSignedAgreement, signAgreement, type SignedAgreement,
} from '../../src/protocol/agreement-signature.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { sign } from '../../src/protocol/keys.js';
import { parseVerifierKey } from '../../src/protocol/note-key.js';
import { toBase64 } from '../../src/protocol/encoding.js';
import { clone, example, exampleKey, otherKey, refusedWith, signedByAll } from './agreement-fixtures.js';

/** The documented signing bytes, written out from the spec with the canonicalize package, not through our code. */
function documentedBytes(a: Agreement): Buffer {
  return Buffer.concat([Buffer.from('parley/agreement/v1\n', 'utf8'), Buffer.from(canonicalize(a) as string, 'utf8')]);
}

describe('signing bytes and hash', () => {
  test('a party signature verifies with node:crypto over "parley/agreement/v1\\n" || JCS(agreement)', () => {
    const a = example();
    const s = signAgreement(a, 'avalon', exampleKey('avalon'));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), parseVerifierKey(a.parties[0]!.signingKey).key]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    assert.ok(cryptoVerify(null, documentedBytes(a), key, Buffer.from(s.sig, 'base64')));
    assert.deepEqual(Buffer.from(agreementSigningBytes(a)), documentedBytes(a));
  });
  test('the hash is the lowercase hex SHA-256 of the signing bytes', () => {
    const a = example();
    assert.equal(agreementHash(a), createHash('sha256').update(documentedBytes(a)).digest('hex'));
  });
  test('an agreement written with or without its defaults has one hash, and one signature serves both', () => {
    const explicit = example();
    const implicit = clone(explicit);
    delete (implicit.deadlines as Partial<Agreement['deadlines']>).priorNoticeLeadTime;
    delete (implicit.review as Partial<Agreement['review']>).cycle;
    assert.equal(agreementHash(implicit), agreementHash(explicit));
    const signed = signedByAll(explicit);
    assert.equal(checkSignedAgreement({ ...signed, agreement: implicit }).inForce, true);
  });
  test('changing one deadline changes the hash', () => {
    const a = example();
    const b = clone(a);
    b.deadlines.acknowledgement.critical = 'PT1H';
    assert.notEqual(agreementHash(a), agreementHash(b));
  });
  test('an invalid agreement has no signing bytes: nobody signs what others would refuse', () => {
    const a = example();
    a.parties[0]!.node = 'http://plain.example';
    assert.throws(() => agreementSigningBytes(a), refusedWith('agreement.url'));
    assert.throws(() => signAgreement(a, 'avalon', exampleKey('avalon')), refusedWith('agreement.url'));
  });
  test('a party cannot sign with a key the agreement does not give it', () => {
    assert.throws(() => signAgreement(example(), 'avalon', exampleKey('borduria')), refusedWith('agreement.wrong-key'));
    assert.throws(() => signAgreement(example(), 'atlantis', exampleKey('atlantis')), refusedWith('agreement.signer'));
  });
});

describe('in force once every party has signed', () => {
  test('signed by both: in force', () => {
    const status = checkSignedAgreement(signedByAll(example()));
    assert.deepEqual({ inForce: status.inForce, signed: status.signed, missing: status.missing }, { inForce: true, signed: ['avalon', 'borduria'], missing: [] });
    assert.equal(status.hash, agreementHash(example()));
  });
  test('signed by one: not in force, the other is missing', () => {
    const a = example();
    const status = checkSignedAgreement({ agreement: a, signatures: [signAgreement(a, 'borduria', exampleKey('borduria'))] });
    assert.deepEqual({ inForce: status.inForce, signed: status.signed, missing: status.missing }, { inForce: false, signed: ['borduria'], missing: ['avalon'] });
  });
  test('signed by nobody: not in force', () => {
    assert.deepEqual(checkSignedAgreement({ agreement: example(), signatures: [] }).missing, ['avalon', 'borduria']);
  });
  test('a changed agreement: its signatures no longer verify', () => {
    const signed = signedByAll(example());
    signed.agreement.deadlines.response.critical = 'PT48H';
    assert.throws(() => checkSignedAgreement(signed), refusedWith('agreement.signature'));
  });
  test('a signature by the wrong key is an error, not a missing signature', () => {
    const a = example();
    const forged = toBase64(sign(otherKey('avalon', 'impostor'), agreementSigningBytes(a)));
    const signed: SignedAgreement = { agreement: a, signatures: [{ party: 'avalon', sig: forged }, signAgreement(a, 'borduria', exampleKey('borduria'))] };
    assert.throws(() => checkSignedAgreement(signed), refusedWith('agreement.signature'));
  });
  test("one party's signature presented as another's", () => {
    const a = example();
    const signed: SignedAgreement = { agreement: a, signatures: [{ party: 'borduria', sig: signAgreement(a, 'avalon', exampleKey('avalon')).sig }] };
    assert.throws(() => checkSignedAgreement(signed), refusedWith('agreement.signature'));
  });
  test('a signature that is not base64', () => {
    assert.throws(() => checkSignedAgreement({ agreement: example(), signatures: [{ party: 'avalon', sig: 'not base64!' }] }), refusedWith('agreement.signature'));
  });
  test('a signature by a non-party is an error', () => {
    const a = example();
    const sig = toBase64(sign(exampleKey('atlantis'), agreementSigningBytes(a)));
    assert.throws(() => checkSignedAgreement({ agreement: a, signatures: [{ party: 'atlantis', sig }] }), refusedWith('agreement.signer'));
  });
  test('two signatures by one party', () => {
    const signed = signedByAll(example());
    signed.signatures.push(signed.signatures[0]!);
    assert.throws(() => checkSignedAgreement(signed), refusedWith('agreement.duplicate-signature'));
  });
  test('an invalid agreement is refused with its validation rule, even if signed', () => {
    const signed = signedByAll(example());
    signed.agreement.contacts[0]!.party = 'atlantis';
    assert.throws(() => checkSignedAgreement(signed), refusedWith('agreement.unknown-party'));
  });
  test('a signed form with an unknown field, or a malformed signature entry', () => {
    const signed = signedByAll(example());
    assert.throws(() => checkSignedAgreement({ ...signed, signedAt: '2026-07-01' } as unknown as SignedAgreement), refusedWith('agreement.signed-form'));
    assert.throws(() => checkSignedAgreement({ ...signed, signatures: [{ party: 'avalon' }] } as unknown as SignedAgreement), refusedWith('agreement.signed-form'));
    assert.throws(() => checkSignedAgreement({ agreement: signed.agreement } as unknown as SignedAgreement), refusedWith('agreement.signed-form'));
  });
});

/** Every path to a value inside `x`, as lists of keys. */
function paths(x: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(x)) return [...here, ...x.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof x === 'object' && x !== null) return [...here, ...Object.entries(x).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: (string | number)[]): { parent: Container; key: string | number } {
  let parent = root as Container;
  for (const k of path.slice(0, -1)) parent = parent[k] as Container;
  return { parent, key: path[path.length - 1]! };
}

/** The fields whose absence means their default: deleting one that holds the default changes nothing signed. */
const DEFAULTED = new Set(['deadlines.priorNoticeLeadTime', 'review.cycle']);

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; name: string; value: unknown } | { kind: 'edit'; at: number; char: string };

/** Applies one mutation at `path`. "add" and "edit" need an object/array and a string: on other values they replace. */
function mutate(a: Agreement, path: (string | number)[], m: Mutation): void {
  const { parent, key } = parentOf(a, path);
  const old = parent[key];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === 'add' && Array.isArray(old)) {
    old.push(m.value);
  } else if (m.kind === 'add' && typeof old === 'object' && old !== null) {
    (old as Container)[m.name] = m.value;
  } else if (m.kind === 'edit') {
    const text = String(old);
    const at = m.at % (text.length + 1);
    parent[key] = text.slice(0, at) + m.char + text.slice(at);
  } else {
    parent[key] = m.value;
  }
}

describe('property: any change to what was signed breaks the agreement', () => {
  const signed = signedByAll(example());
  const allPaths = paths(signed.agreement).filter((p) => !DEFAULTED.has(p.join('.')));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue() }),
    fc.record({ kind: fc.constant('delete' as const) }),
    fc.record({ kind: fc.constant('add' as const), name: fc.string({ minLength: 1, maxLength: 12 }), value: fc.jsonValue() }),
    fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
  );
  test('a random mutation of the agreement is refused by checkSignedAgreement', () => {
    fc.assert(
      fc.property(fc.nat({ max: allPaths.length - 1 }), mutation, (i, m) => {
        const changed = clone(signed);
        mutate(changed.agreement, allPaths[i]!, m);
        fc.pre(canonicalize(changed.agreement) !== canonicalize(signed.agreement));
        assert.throws(() => checkSignedAgreement(changed), (e: unknown) => e instanceof ProtocolError);
      }),
      { numRuns: 300 },
    );
  });
});
