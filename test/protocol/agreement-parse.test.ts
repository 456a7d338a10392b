import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, parseAgreement, readAgreementText } from '../../src/protocol/agreement-parse.js';
import { AgreementValidationError } from '../../src/protocol/agreement-validation.js';
import { example, exampleText, refusedWith } from './agreement-fixtures.js';

describe('YAML and JSON give the same agreement', () => {
  for (const name of ['avalon-borduria', 'regional-5'] as const) {
    test(`${name}: the YAML, and the JSON written from it, parse to the same agreement`, () => {
      const fromYaml = parseAgreement(exampleText(name), 'yaml');
      const json = JSON.stringify(fromYaml, null, 2);
      assert.deepEqual(parseAgreement(json, 'json'), fromYaml);
      assert.deepEqual(parseAgreement(json), fromYaml, 'detected as JSON');
      assert.deepEqual(parseAgreement(exampleText(name)), fromYaml, 'detected as YAML');
    });
  }
  test('JSON is read as YAML too, to the same agreement', () => {
    const json = JSON.stringify(example());
    assert.deepEqual(parseAgreement(json, 'yaml'), parseAgreement(json, 'json'));
  });
  test('the format is detected from the first character that is not a space', () => {
    assert.equal(detectFormat('  \n{"id": "x"}'), 'json');
    assert.equal(detectFormat('# a comment\nid: x\n'), 'yaml');
    assert.equal(detectFormat('---\nid: x\n'), 'yaml');
  });
});

describe('YAML is read as YAML 1.2, so values keep the type the author wrote', () => {
  test('an unquoted date stays a date string, and the agreement is valid', () => {
    const text = exampleText('avalon-borduria').replace('start: "2026-07-01"', 'start: 2026-07-01');
    assert.notEqual(text, exampleText('avalon-borduria'));
    assert.equal(parseAgreement(text).term.start, '2026-07-01');
  });
  test('"no" is a string, not false: a wrong value is named, not turned into a boolean', () => {
    const text = exampleText('avalon-borduria').replace('renewal: automatic', 'renewal: no');
    assert.throws(() => parseAgreement(text), (e: unknown) => e instanceof AgreementValidationError && e.path === 'term.renewal' && e.rule === 'agreement.enum' && e.message.includes('"no"'));
  });
  test('an unquoted phone number is read as a number, and the error says to quote it', () => {
    const text = exampleText('avalon-borduria').replace('phone: "+44 20 7946 0999"', 'phone: +442079460999');
    assert.throws(() => parseAgreement(text), (e: unknown) => e instanceof AgreementValidationError && e.path === 'contacts[2].phone' && e.rule === 'agreement.type' && /quotes/.test(e.message));
  });
});

describe('text that is not an agreement', () => {
  test('a repeated key in YAML is refused, not silently overwritten', () => {
    assert.throws(() => readAgreementText('id: a\nversion: 1\nid: b\n', 'yaml'), refusedWith('agreement.yaml'));
  });
  test('malformed YAML', () => assert.throws(() => readAgreementText('title: [en, ru\n', 'yaml'), refusedWith('agreement.yaml')));
  test('malformed JSON', () => assert.throws(() => readAgreementText('{"id": ', 'json'), refusedWith('agreement.json')));
  test('an empty text is not an agreement', () => {
    assert.throws(() => parseAgreement(''), (e: unknown) => e instanceof AgreementValidationError && e.path === '');
  });
  test('parsed but invalid: the validation problems come out', () => {
    assert.throws(() => parseAgreement('format: parley/agreement/v1\nid: x\n'), (e: unknown) => e instanceof AgreementValidationError && e.problems.some((p) => p.path === 'parties' && p.rule === 'agreement.required'));
  });
});
