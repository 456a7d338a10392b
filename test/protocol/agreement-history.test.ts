import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Agreement } from '../../src/protocol/agreement.js';
import {
  agreementHash, signAgreement, signWithPreviousKey, verifyAgreementHistory, type SignedAgreement,
} from '../../src/protocol/agreement-signature.js';
import type { SigningKey } from '../../src/protocol/keys.js';
import { clone, example, exampleKey, otherKey, refusedWith, renameAgreement, setKey, signedByAll } from './agreement-fixtures.js';

/** The next version of `before`, changed by `change`, chained to it. */
function amend(before: Agreement, change: (a: Agreement) => void): Agreement {
  const next = clone(before);
  next.version = before.version + 1;
  next.previous = agreementHash(before);
  change(next);
  return next;
}

const v1 = example();
const v1Signed = signedByAll(v1);
/** Amendment 2: a faster acknowledgement of critical notifications. */
const v2 = amend(v1, (a) => (a.deadlines.acknowledgement.critical = 'PT1H'));
const v2Signed = signedByAll(v2);

/** Keys by party, with one party's key replaced. */
function keysWith(party: string, key: SigningKey): (p: string) => SigningKey {
  return (p) => (p === party ? key : exampleKey(p));
}

describe('a history that holds', () => {
  test('version 1 alone, in force: it is the version in force', () => {
    assert.equal(verifyAgreementHistory([v1Signed]), v1Signed);
  });
  test('versions 1 and 2, each signed by all: version 2 is in force', () => {
    assert.equal(verifyAgreementHistory([v1Signed, v2Signed]), v2Signed);
  });
  test('three versions', () => {
    const v3 = amend(v2, (a) => (a.contacts[0]!.name = 'Sam Okafor'));
    const v3Signed = signedByAll(v3);
    assert.equal(verifyAgreementHistory([v1Signed, v2Signed, v3Signed]), v3Signed);
  });
});

describe('a history that does not hold', () => {
  test('no versions', () => assert.throws(() => verifyAgreementHistory([]), refusedWith('agreement.history-empty')));
  test('reordered versions', () => assert.throws(() => verifyAgreementHistory([v2Signed, v1Signed]), refusedWith('agreement.history-order')));
  test('a version left out', () => {
    const v3 = signedByAll(amend(v2, (a) => (a.review.month = 9)));
    assert.throws(() => verifyAgreementHistory([v1Signed, v3]), refusedWith('agreement.history-order'));
  });
  test('a version that does not name the hash of the one before', () => {
    const other = clone(v1);
    other.title.en = 'A different agreement';
    const stray = signedByAll(amend(other, (a) => (a.deadlines.acknowledgement.critical = 'PT1H')));
    assert.throws(() => verifyAgreementHistory([v1Signed, stray]), refusedWith('agreement.history-chain'));
  });
  test('a version of another agreement', () => {
    const renamed = amend(v1, (a) => renameAgreement(a, 'avalon-borduria-bis'));
    assert.throws(() => verifyAgreementHistory([v1Signed, signedByAll(renamed)]), refusedWith('agreement.history-id'));
  });
  test('version 1 changed after version 2 was signed: its signatures fail', () => {
    const tampered = clone(v1Signed);
    tampered.agreement.term.noticeToTerminate = 'P1M';
    assert.throws(() => verifyAgreementHistory([tampered, v2Signed]), refusedWith('agreement.signature'));
  });
  test('an amendment one party has not signed is not in force', () => {
    const half: SignedAgreement = { agreement: v2, signatures: [signAgreement(v2, 'avalon', exampleKey('avalon'))] };
    assert.throws(() => verifyAgreementHistory([v1Signed, half]), refusedWith('agreement.not-in-force'));
  });
  test('version 1 cannot carry signatures with previous keys', () => {
    const odd: SignedAgreement = { ...v1Signed, previousKeySignatures: [] };
    assert.throws(() => verifyAgreementHistory([odd]), refusedWith('agreement.signed-form'));
  });
});

describe('key changes and leaving parties need the consent of the previous key', () => {
  const newKey = otherKey('borduria', 'borduria key of 2027');
  const rekeyed = amend(v1, (a) => setKey(a, 'borduria', newKey));
  const byNewKeys = signedByAll(rekeyed, keysWith('borduria', newKey));

  test('a key change signed with the new key and the old one holds', () => {
    const withConsent: SignedAgreement = { ...byNewKeys, previousKeySignatures: [signWithPreviousKey(rekeyed, v1, 'borduria', exampleKey('borduria'))] };
    assert.equal(verifyAgreementHistory([v1Signed, withConsent]), withConsent);
  });
  test('a key change signed with the new key only is refused: the others could have made that key', () => {
    assert.throws(() => verifyAgreementHistory([v1Signed, byNewKeys]), refusedWith('agreement.amendment-consent'));
  });
  test('a key change must be signed with the new key: the old one alone does not make it in force', () => {
    const byOldKeys: SignedAgreement = {
      agreement: rekeyed,
      signatures: [signAgreement(rekeyed, 'avalon', exampleKey('avalon'))],
      previousKeySignatures: [signWithPreviousKey(rekeyed, v1, 'borduria', exampleKey('borduria'))],
    };
    assert.throws(() => verifyAgreementHistory([v1Signed, byOldKeys]), refusedWith('agreement.not-in-force'));
  });
  test('a consent signed with a key that is not the previous one is refused', () => {
    const forged: SignedAgreement = { ...byNewKeys, previousKeySignatures: [signAgreement(rekeyed, 'borduria', newKey)] };
    assert.throws(() => verifyAgreementHistory([v1Signed, forged]), refusedWith('agreement.signature'));
  });
  test('signWithPreviousKey refuses a key that is not the previous one', () => {
    assert.throws(() => signWithPreviousKey(rekeyed, v1, 'borduria', newKey), refusedWith('agreement.wrong-key'));
  });

  const r1 = example('regional-5');
  const r1Signed = signedByAll(r1);
  const withoutGenovia = amend(r1, (a) => {
    a.parties = a.parties.filter((p) => p.id !== 'genovia');
    a.contacts = a.contacts.filter((c) => c.party !== 'genovia');
  });
  test('a party amended away without its signature: refused', () => {
    assert.throws(() => verifyAgreementHistory([r1Signed, signedByAll(withoutGenovia)]), refusedWith('agreement.amendment-consent'));
  });
  test('a party that leaves with its signature: the amendment holds', () => {
    const agreed: SignedAgreement = { ...signedByAll(withoutGenovia), previousKeySignatures: [signWithPreviousKey(withoutGenovia, r1, 'genovia', exampleKey('genovia'))] };
    assert.equal(verifyAgreementHistory([r1Signed, agreed]), agreed);
  });
  test('a party that joins signs with its own key, which makes the amendment in force', () => {
    const withElbonia = amend(r1, (a) => {
      const template = a.parties.find((p) => p.id === 'genovia')!;
      a.parties.push({ ...template, id: 'elbonia', names: { en: 'Republic of Elbonia' }, node: 'https://parley.elbonia.example', tlsFingerprint: 'e'.repeat(64), encryptionKey: 'ZWxib25pYSdzIGVuY3J5cHRpb24ga2V5LCAzMiBieXQ=' });
      setKey(a, 'elbonia', exampleKey('elbonia'));
      for (const c of a.contacts.filter((x) => x.party === 'genovia')) a.contacts.push({ ...c, party: 'elbonia' });
    });
    const joined = signedByAll(withElbonia);
    assert.equal(verifyAgreementHistory([r1Signed, joined]), joined);
    const notYet: SignedAgreement = { agreement: withElbonia, signatures: joined.signatures.filter((s) => s.party !== 'elbonia') };
    assert.throws(() => verifyAgreementHistory([r1Signed, notYet]), refusedWith('agreement.not-in-force'));
  });
});
