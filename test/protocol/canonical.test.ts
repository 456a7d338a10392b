import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../support/paths.js';
import { canonicalBytes, canonicalJson } from '../../src/protocol/canonical.js';
import { FormatError } from '../../src/protocol/errors.js';

const jcsDir = join(vectorsDir, 'jcs');

describe('RFC 8785 vectors (cyberphone/json-canonicalization)', () => {
  const names = readdirSync(join(jcsDir, 'input')).filter((n) => n.endsWith('.json'));
  test('the vector folder is not empty', () => assert.ok(names.length >= 6, `only ${names.length} vectors found`));
  for (const name of names) {
    test(name, () => {
      const input: unknown = JSON.parse(readFileSync(join(jcsDir, 'input', name), 'utf8'));
      const expected = readFileSync(join(jcsDir, 'output', name));
      assert.equal(canonicalJson(input), expected.toString('utf8'));
      assert.deepEqual(Buffer.from(canonicalBytes(input)), expected);
    });
  }
});

function refused(value: unknown, mentions: string): void {
  assert.throws(
    () => canonicalJson(value),
    (e: unknown) => e instanceof FormatError && e.rule === 'json.canonical' && e.message.includes(mentions),
  );
}

describe('values JSON cannot carry are refused, never silently changed', () => {
  test('NaN and the infinities, at the top and nested', () => {
    refused(NaN, 'NaN');
    refused(Infinity, 'Infinity');
    refused(-Infinity, '-Infinity');
    refused({ a: [1, NaN] }, '$.a[1]');
    refused({ a: { b: Infinity } }, '$.a.b');
  });
  test('undefined at the top or in an array (JSON.stringify would write null)', () => {
    refused(undefined, 'undefined');
    refused([1, undefined, 2], '$[1]');
  });
  test('functions, symbols and bigints', () => {
    refused({ a: () => 1 }, 'function');
    refused([() => 1], 'function');
    refused({ a: Symbol('s') }, 'symbol');
    refused({ n: 10n }, 'bigint');
  });
  test('objects that are not plain JSON objects', () => {
    refused({ when: new Date(0) }, 'Date');
    refused({ m: new Map([[1, 2]]) }, 'Map');
    refused({ bytes: new Uint8Array([1, 2]) }, 'Uint8Array');
  });
  test('a circular reference', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    refused(a, 'circular');
  });
  test('a string with a lone surrogate', () => {
    refused({ s: 'a\ud800b' }, 'surrogate');
  });
  test('an undefined object member is an absent member, as on the wire', () => {
    assert.equal(canonicalJson({ b: 1, a: undefined }), '{"b":1}');
    assert.equal(canonicalJson({ b: 1, a: undefined }), canonicalJson(JSON.parse(JSON.stringify({ b: 1, a: undefined }))));
  });
  test('the same value reached twice (not a cycle) is fine', () => {
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: [shared] }), '{"a":{"x":1},"b":[{"x":1}]}');
  });
});

describe('RFC 8785 rules a signer relies on', () => {
  test('keys sorted by UTF-16 code units, not by code points', () => {
    // U+1F602 (surrogates D83D DE02) sorts before U+FB33 in UTF-16 order, after it in code-point order.
    assert.equal(canonicalJson({ '\ufb33': 1, '\u{1f602}': 2 }), '{"\u{1f602}":2,"\ufb33":1}');
  });
  test('numbers in ECMAScript shortest form; -0 is 0', () => {
    assert.equal(canonicalJson([1e21, 1e-7, 0.1, -0, 100]), '[1e+21,1e-7,0.1,0,100]');
  });
});
