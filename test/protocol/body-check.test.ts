/**
 * The compiled body check must say exactly what TypeBox's interpreted check says, for every statement type: it is
 * only a faster way to reach the same verdict (a body one node accepts and another refuses would split the parties).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { bodyCheckFor } from '../../src/protocol/body-check.js';
import { STATEMENT_TYPES } from '../../src/protocol/statement-types.js';

type Json = unknown;

/** Small changes a sender could make to a valid body: drop, retype, duplicate into arrays, add unknown members. */
function mutations(value: Json): fc.Arbitrary<Json> {
  const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.boolean(), fc.constant('CLEAR'));
  if (Array.isArray(value)) {
    return fc.oneof(
      fc.constant(value),
      fc.constant([...value, ...value]), // duplicates: what uniqueItems refuses
      fc.constant([]),
      fc.tuple(fc.nat(Math.max(0, value.length - 1)), leaf).map(([i, v]) => value.map((x, j) => (j === i ? v : x))),
      value.length > 0 ? fc.nat(value.length - 1).chain((i) => mutations(value[i]).map((m) => value.map((x, j) => (j === i ? m : x)))) : fc.constant(value),
    );
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const record = value as Record<string, Json>;
    return fc.oneof(
      fc.constant(value),
      fc.constant({ ...record, unexpected: 1 }),
      keys.length > 0 ? fc.constantFrom(...keys).map((k) => Object.fromEntries(keys.filter((x) => x !== k).map((x) => [x, record[x]]))) : fc.constant(value),
      keys.length > 0 ? fc.constantFrom(...keys).chain((k) => mutations(record[k]).map((m) => ({ ...record, [k]: m }))) : fc.constant(value),
    );
  }
  return fc.oneof(fc.constant(value), leaf);
}

describe('the compiled body check', () => {
  for (const spec of STATEMENT_TYPES.values()) {
    test(`agrees with TypeBox's check on ${spec.id} bodies, valid and mutated`, () => {
      const check = bodyCheckFor(spec.schema);
      assert.equal(check(spec.example), true, 'the documented example passes');
      fc.assert(fc.property(mutations(spec.example), (body) => check(body) === Value.Check(spec.schema, body)), { numRuns: 300 });
    });
  }

  test('refuses repeated codes where the schema asks for unique items', () => {
    const spec = STATEMENT_TYPES.get('request-for-assistance') ?? [...STATEMENT_TYPES.values()].find((s) => JSON.stringify(s.schema).includes('uniqueItems'))!;
    const arrays = Object.entries(spec.example).filter(([, v]) => Array.isArray(v) && v.length > 0 && typeof v[0] === 'string');
    assert.ok(arrays.length > 0, `${spec.id}'s example has a list of strings`);
    const [field, list] = arrays[0] as [string, string[]];
    const repeated = { ...spec.example, [field]: [...list, list[0]] };
    assert.equal(Value.Check(spec.schema, repeated), false, 'TypeBox refuses it');
    assert.equal(bodyCheckFor(spec.schema)(repeated), false, 'so does the compiled check');
  });
});
