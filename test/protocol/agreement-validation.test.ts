import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Agreement } from '../../src/protocol/agreement.js';
import { AgreementValidationError, validateAgreement, type AgreementProblem } from '../../src/protocol/agreement-validation.js';
import { ValidationError } from '../../src/protocol/errors.js';
import { COSIGNATURE_TYPE, ED25519_TYPE, formatVerifierKey } from '../../src/protocol/note-key.js';
import { toBase64 } from '../../src/protocol/encoding.js';
import { clone, example, exampleKey, otherKey, setKey } from './agreement-fixtures.js';

type Doc = Agreement & Record<string, unknown>;

/** The problems validating `change(copy of the bilateral example)` reports (none if it passes). */
function problemsAfter(change: (a: Doc) => void): AgreementProblem[] {
  const a = example() as Doc;
  change(a);
  try {
    validateAgreement(a);
    return [];
  } catch (e) {
    assert.ok(e instanceof AgreementValidationError, `expected an AgreementValidationError, got ${String(e)}`);
    return [...e.problems];
  }
}

/** The change breaks exactly this one rule at exactly this field. */
function breaksOnly(change: (a: Doc) => void, path: string, rule: string): void {
  assert.deepEqual(problemsAfter(change).map((p) => ({ path: p.path, rule: p.rule })), [{ path, rule }]);
}

/** The change breaks this rule at this field (among the knock-on problems it also causes). */
function breaks(change: (a: Doc) => void, path: string, rule: string): void {
  const problems = problemsAfter(change);
  assert.ok(problems.some((p) => p.path === path && p.rule === rule), `expected ${rule} at ${path}, got ${JSON.stringify(problems, null, 1)}`);
}

const HASH = 'a'.repeat(64);

describe('the examples are valid', () => {
  test('the bilateral example validates, with its defaults written in', () => {
    const a = example();
    assert.equal(a.parties.length, 2);
    assert.equal(a.deadlines.priorNoticeLeadTime, 'P3D');
    assert.equal(a.review.cycle, 'P1Y');
  });
  test('the regional example validates, and keeps the values it sets', () => {
    const a = example('regional-5');
    assert.equal(a.parties.length, 5);
    assert.equal(a.deadlines.priorNoticeLeadTime, 'P5D');
    assert.equal(a.review.cycle, 'P1Y');
  });
  test('validation returns a new object and leaves its input as it was', () => {
    const a = example() as Doc;
    delete (a.deadlines as Partial<Agreement['deadlines']>).priorNoticeLeadTime;
    const before = clone(a);
    const valid = validateAgreement(a);
    assert.notEqual(valid, a);
    assert.deepEqual(a, before);
    assert.equal(valid.deadlines.priorNoticeLeadTime, 'P3D');
  });
});

describe('structure', () => {
  test('a document that is not an object', () => {
    assert.throws(() => validateAgreement(['not', 'an', 'agreement']), (e: unknown) => e instanceof AgreementValidationError && e.rule === 'agreement.type' && e.path === '');
  });
  test('a missing field', () => breaksOnly((a) => delete (a.term as Partial<Agreement['term']>).renewal, 'term.renewal', 'agreement.required'));
  test('a misspelt field is not silently ignored', () => breaksOnly((a) => ((a.deadlines as unknown as Record<string, unknown>).priorNoticeLeadtime = 'P5D'), 'deadlines.priorNoticeLeadtime', 'agreement.unknown-field'));
  test('an unknown field in a party', () => breaksOnly((a) => ((a.parties[0] as unknown as Record<string, unknown>).website = 'https://avalon.example'), 'parties[0].website', 'agreement.unknown-field'));
  test('a field of the wrong type', () => breaksOnly((a) => ((a as Record<string, unknown>).version = '1'), 'version', 'agreement.type'));
  test('a value not among those allowed', () => breaksOnly((a) => ((a.escalation as unknown as Record<string, unknown>).onOverdue = 'shout'), 'escalation.onOverdue', 'agreement.enum'));
  test('an empty text', () => breaksOnly((a) => (a.contacts[0]!.name = ''), 'contacts[0].name', 'agreement.empty'));
  test('an empty escalation ladder', () => breaksOnly((a) => (a.escalation.ladder = []), 'escalation.ladder', 'agreement.empty'));
  test('a review month out of range', () => breaksOnly((a) => (a.review.month = 13), 'review.month', 'agreement.range'));
});

describe('header: format, id, version, previous', () => {
  test('another format version', () => breaksOnly((a) => ((a as Record<string, unknown>).format = 'parley/agreement/v2'), 'format', 'agreement.format'));
  test('an id that is not an id', () => breaks((a) => (a.id = 'Avalon_Borduria'), 'id', 'agreement.id'));
  test('version 0', () => breaksOnly((a) => (a.version = 0), 'version', 'agreement.version'));
  test('version 1 naming a previous version', () => breaksOnly((a) => (a.previous = HASH), 'previous', 'agreement.previous'));
  test('an amendment without a previous version', () => breaksOnly((a) => (a.version = 2), 'previous', 'agreement.previous'));
  test('an amendment whose previous is not a hash', () => breaksOnly((a) => Object.assign(a, { version: 2, previous: 'ABC' }), 'previous', 'agreement.previous'));
  test('an amendment naming a hash is valid', () => assert.deepEqual(problemsAfter((a) => Object.assign(a, { version: 2, previous: HASH })), []));
});

describe('languages', () => {
  test('the title in every agreement language', () => breaksOnly((a) => delete a.title.ru, 'title.ru', 'agreement.missing-language'));
  test('a repeated agreement language', () => breaksOnly((a) => (a.languages = ['en', 'ru', 'en']), 'languages[2]', 'agreement.duplicate-language'));
  test('a language that is not a language tag', () => breaks((a) => (a.languages = ['en', 'Russian']), 'languages[1]', 'agreement.language'));
  test("a party's language must be one of the agreement's", () => breaks((a) => (a.parties[1]!.languages = ['ru', 'fr']), 'parties[1].languages[1]', 'agreement.unknown-language'));
  test("a party's name in each of its working languages", () => breaksOnly((a) => delete a.parties[1]!.names.ru, 'parties[1].names.ru', 'agreement.missing-language'));
  test("a contact's language must be one its party works in", () => breaksOnly((a) => (a.contacts[0]!.languages = ['ru']), 'contacts[0].languages[0]', 'agreement.unknown-language'));
  test('a commitment in every agreement language', () => breaksOnly((a) => delete a.commitments[0]!.text.ru, 'commitments[0].text.ru', 'agreement.missing-language'));
});

describe('parties', () => {
  test('a party id that is not an id', () => breaks((a) => (a.parties[0]!.id = 'Avalon'), 'parties[0].id', 'agreement.id'));
  test('two parties with one id', () => breaks((a) => (a.parties[1]!.id = 'avalon'), 'parties[1].id', 'agreement.duplicate-id'));
  test('an agreement with one party', () => breaks((a) => a.parties.pop(), 'parties', 'agreement.too-few-parties'));
  test('a node that is not https', () => breaksOnly((a) => (a.parties[0]!.node = 'http://parley.cert.avalon.example'), 'parties[0].node', 'agreement.url'));
  test('a node that is not a URL', () => breaksOnly((a) => (a.parties[0]!.node = 'parley.cert.avalon.example'), 'parties[0].node', 'agreement.url'));
  test('a node URL with credentials', () => breaksOnly((a) => (a.parties[0]!.node = 'https://admin:secret@parley.cert.avalon.example'), 'parties[0].node', 'agreement.url'));
  test('two parties on one node', () => breaksOnly((a) => (a.parties[1]!.node = a.parties[0]!.node), 'parties[1].node', 'agreement.duplicate-node'));
  test('a signing key that is not a verifier key', () => breaksOnly((a) => (a.parties[0]!.signingKey = 'avalon-borduria/avalon+00000000+AAAA'), 'parties[0].signingKey', 'agreement.key'));
  test('a signing key that is a cosignature (0x04) key', () =>
    breaksOnly((a) => (a.parties[0]!.signingKey = formatVerifierKey('avalon-borduria/avalon', COSIGNATURE_TYPE, exampleKey('avalon').publicKey.raw)), 'parties[0].signingKey', 'agreement.key'));
  test('a signing key named for another agreement', () =>
    breaksOnly((a) => (a.parties[1]!.signingKey = formatVerifierKey('other-agreement/borduria', ED25519_TYPE, exampleKey('borduria').publicKey.raw)), 'parties[1].signingKey', 'agreement.key-name'));
  test('two parties with one key', () => breaksOnly((a) => setKey(a, 'borduria', exampleKey('avalon')), 'parties[1].signingKey', 'agreement.duplicate-key'));
  test('a new key for a party is valid', () => assert.deepEqual(problemsAfter((a) => setKey(a, 'borduria', otherKey('borduria'))), []));
  test('a TLS fingerprint that is not 64 lowercase hex digits', () => breaksOnly((a) => (a.parties[0]!.tlsFingerprint = a.parties[0]!.tlsFingerprint.toUpperCase()), 'parties[0].tlsFingerprint', 'agreement.fingerprint'));
  test('two parties with one TLS fingerprint', () => breaksOnly((a) => (a.parties[1]!.tlsFingerprint = a.parties[0]!.tlsFingerprint), 'parties[1].tlsFingerprint', 'agreement.duplicate-fingerprint'));
  test('an encryption key of the wrong length', () => breaksOnly((a) => (a.parties[0]!.encryptionKey = toBase64(new Uint8Array(31))), 'parties[0].encryptionKey', 'agreement.encryption-key'));
  test('an encryption key that is not base64', () => breaksOnly((a) => (a.parties[0]!.encryptionKey = 'not base64!'), 'parties[0].encryptionKey', 'agreement.encryption-key'));
  test('a party without an encryption key: nothing could be sealed to it', () => breaksOnly((a) => delete (a.parties[1] as { encryptionKey?: string }).encryptionKey, 'parties[1].encryptionKey', 'agreement.required'));
  test('two parties with one encryption key', () => breaksOnly((a) => (a.parties[1]!.encryptionKey = a.parties[0]!.encryptionKey), 'parties[1].encryptionKey', 'agreement.duplicate-key'));
  test('an encryption key of 32 bytes is valid', () => assert.deepEqual(problemsAfter((a) => (a.parties[0]!.encryptionKey = toBase64(new Uint8Array(32).fill(7)))), []));
});

describe('points of contact', () => {
  test('a contact for an unknown party', () => breaks((a) => (a.contacts[0]!.party = 'atlantis'), 'contacts[0].party', 'agreement.unknown-party'));
  test('a contact at a tier that does not exist', () => breaks((a) => ((a.contacts[0] as unknown as Record<string, unknown>).tier = 'military'), 'contacts[0].tier', 'agreement.tier'));
  test('an e-mail address that is not one', () => breaksOnly((a) => (a.contacts[0]!.email = 'duty at cert.avalon.example'), 'contacts[0].email', 'agreement.email'));
  test('a phone number not in international format', () => breaksOnly((a) => (a.contacts[0]!.phone = '020 7946 0018'), 'contacts[0].phone', 'agreement.phone'));
  test('a contact with neither e-mail nor phone', () => breaksOnly((a) => delete a.contacts[2]!.phone, 'contacts[2]', 'agreement.missing-channel'));
  test('every party has a diplomatic contact', () => breaksOnly((a) => (a.contacts = a.contacts.filter((c) => !(c.party === 'borduria' && c.tier === 'diplomatic'))), 'contacts', 'agreement.missing-contact'));
  test('every party has a contact at each tier of the ladder', () => breaksOnly((a) => (a.contacts = a.contacts.filter((c) => !(c.party === 'avalon' && c.tier === 'political'))), 'contacts', 'agreement.missing-contact'));
  test('a tier off the ladder needs no contact, except technical and diplomatic', () => {
    assert.deepEqual(problemsAfter((a) => {
      a.escalation.ladder = ['technical', 'diplomatic'];
      a.contacts = a.contacts.filter((c) => c.tier !== 'political');
    }), []);
  });
});

describe('escalation', () => {
  test('a tier twice on the ladder', () => breaksOnly((a) => (a.escalation.ladder = ['technical', 'technical']), 'escalation.ladder[1]', 'agreement.duplicate-tier'));
  test('a tier that does not exist', () => breaksOnly((a) => (a.escalation.ladder = ['technical', 'military' as 'political']), 'escalation.ladder[1]', 'agreement.tier'));
  test('a ladder that goes down', () => breaksOnly((a) => (a.escalation.ladder = ['diplomatic', 'technical']), 'escalation.ladder[1]', 'agreement.ladder-order'));
});

describe('deadlines and other durations', () => {
  test('a deadline that is not an ISO 8601 duration', () => breaksOnly((a) => (a.deadlines.acknowledgement.critical = '2 hours'), 'deadlines.acknowledgement.critical', 'agreement.duration'));
  test('a deadline of zero', () => breaksOnly((a) => (a.deadlines.response.low = 'PT0S'), 'deadlines.response.low', 'agreement.duration'));
  test('a severity without a deadline', () => breaksOnly((a) => delete a.deadlines.acknowledgement.low, 'deadlines.acknowledgement.low', 'agreement.missing-severity'));
  test('a deadline for a code that is not a severity', () => breaksOnly((a) => (a.deadlines.response.urgent = 'PT1H'), 'deadlines.response.urgent', 'agreement.unknown-code'));
  test('a more severe case given more time', () => breaksOnly((a) => (a.deadlines.acknowledgement.critical = 'P2D'), 'deadlines.acknowledgement.critical', 'agreement.deadline-order'));
  test('equal deadlines for two severities are valid', () => assert.deepEqual(problemsAfter((a) => (a.deadlines.acknowledgement.critical = 'PT4H')), []));
  test('a prior-notice lead time that is not a duration', () => breaksOnly((a) => (a.deadlines.priorNoticeLeadTime = '3 days'), 'deadlines.priorNoticeLeadTime', 'agreement.duration'));
  test('a communication check answered after the next one', () => breaksOnly((a) => (a.communicationChecks.answerWithin = 'P8D'), 'communicationChecks.answerWithin', 'agreement.check-schedule'));
  test('a review cycle that is not a duration', () => breaksOnly((a) => (a.review.cycle = 'yearly'), 'review.cycle', 'agreement.duration'));
  test('a term that starts on a day that does not exist', () => breaksOnly((a) => (a.term.start = '2026-02-30'), 'term.start', 'agreement.date'));
  test('a notice to terminate as long as the term', () => breaksOnly((a) => (a.term.noticeToTerminate = 'P36M'), 'term.noticeToTerminate', 'agreement.notice-period'));
});

describe('commitments', () => {
  test('two commitments with one id', () => breaksOnly((a) => (a.commitments[1]!.id = a.commitments[0]!.id), 'commitments[1].id', 'agreement.duplicate-id'));
  test('a commitment id that is not an id', () => breaksOnly((a) => (a.commitments[0]!.id = 'No First Use'), 'commitments[0].id', 'agreement.id'));
});

describe('the codebook reference', () => {
  test('an unknown codebook version', () => breaksOnly((a) => (a.codebook.version = '9'), 'codebook.version', 'codebook.version'));
  test('an added code that already exists', () =>
    breaksOnly((a) => (a.codebook.extensions = { activity: [{ code: 'cyber-exercise', labels: { en: 'x', ru: 'x', vi: 'x' } }] }), 'codebook.extensions.activity[0].code', 'codebook.duplicate-code'));
  test('an added code without a Vietnamese label', () =>
    breaksOnly((a) => (a.codebook.extensions = { activity: [{ code: 'satellite-test', labels: { en: 'Satellite test', ru: 'Испытание спутника' } }] }), 'codebook.extensions.activity[0].labels.vi', 'codebook.missing-label'));
  test('an added severity (deadlines are set per severity, so the list is fixed)', () =>
    breaksOnly((a) => (a.codebook.extensions = { severity: [{ code: 'catastrophic', labels: { en: 'x', ru: 'x', vi: 'x' } }] }), 'codebook.extensions.severity', 'codebook.fixed-list'));
});

describe('all problems are reported together', () => {
  test('three broken fields give three problems, the error naming the first', () => {
    const a = example() as Doc;
    a.parties[0]!.node = 'http://avalon.example';
    a.deadlines.acknowledgement.high = 'four hours';
    a.contacts[3]!.party = 'atlantis';
    a.contacts.push({ ...a.contacts[3]!, party: 'borduria' }); // keep Borduria staffed, so the unknown party is the only knock-on-free change
    assert.throws(() => validateAgreement(a), (e: unknown) => {
      assert.ok(e instanceof AgreementValidationError);
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.problems.map((p) => p.path).sort(), ['contacts[3].party', 'deadlines.acknowledgement.high', 'parties[0].node']);
      assert.equal(e.rule, e.problems[0]!.rule);
      assert.equal(e.path, e.problems[0]!.path);
      for (const p of e.problems) assert.ok(e.message.includes(p.path) && e.message.includes(p.rule), `the message names ${p.path}`);
      return true;
    });
  });
});
