import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { StixValidator } from '../../src/stix/stix-validator.js';
import { stixSchemasDir } from '../../src/stix/stix-schemas.js';
import { projectRoot, vectorsDir } from '../support/paths.js';

const shared = join(vectorsDir, 'stix');
const validator = new StixValidator();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

function exampleObjects(): Array<Record<string, unknown>> {
  const dir = join(shared, 'examples');
  return readdirSync(dir).filter((n) => n.endsWith('.json')).flatMap((n) => {
    const json = JSON.parse(readFileSync(join(dir, n), 'utf8')) as { objects?: Array<Record<string, unknown>> };
    return json.objects ?? [json];
  });
}

describe('the vendored STIX 2.1 schemas', () => {
  it('are byte for byte the OASIS schemas of the shared vectors, with their licence', () => {
    const vendored = join(projectRoot, 'stix-schemas');
    assert.equal(stixSchemasDir(), vendored);
    const theirs = filesUnder(join(shared, 'schemas')).map((f) => relative(join(shared, 'schemas'), f)).sort();
    const ours = filesUnder(vendored).map((f) => relative(vendored, f)).filter((f) => f !== 'LICENSE').sort();
    assert.deepEqual(ours, theirs);
    for (const f of theirs) assert.ok(readFileSync(join(vendored, f)).equals(readFileSync(join(shared, 'schemas', f))), f);
    assert.ok(readFileSync(join(vendored, 'LICENSE')).equals(readFileSync(join(shared, 'LICENSE'))));
  });
});

describe('STIX 2.1 validation', () => {
  it('accepts every object of the OASIS examples', () => {
    const objects = exampleObjects();
    assert.ok(objects.length > 20);
    for (const o of objects) assert.deepEqual(validator.validate(o), { valid: true }, String(o.id));
  });

  it('refuses each kind of bad object with a reason naming what is wrong', () => {
    const good = exampleObjects().find((o) => o.type === 'indicator')!;
    const cases: Array<[unknown, RegExp]> = [
      ['a string', /JSON object/],
      [{ ...good, type: undefined }, /no "type"/],
      [{ ...good, type: 'bundle' }, /bundle/],
      [{ ...good, type: 'weapon', id: 'weapon--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }, /unknown STIX 2.1 type "weapon"/],
      [{ ...good, pattern: undefined }, /pattern/],
      [{ ...good, id: 'indicator--not-a-uuid' }, /id/],
      [{ ...good, created: 'yesterday' }, /created/],
      [{ ...good, modified: '2026-11-22T03:10:00Z' }, /modified/], // not millisecond precision
    ];
    for (const [o, reason] of cases) {
      const v = validator.validate(o);
      assert.equal(v.valid, false, JSON.stringify(o).slice(0, 80));
      if (!v.valid) assert.match(v.reason, reason);
    }
  });

  it('holds a custom x- type to the common properties', () => {
    const custom = { type: 'x-parley-note', spec_version: '2.1', id: 'x-parley-note--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-11-22T03:10:00.000Z', modified: '2026-11-22T03:10:00.000Z' };
    assert.deepEqual(validator.validate(custom), { valid: true });
    assert.equal(validator.validate({ ...custom, created: 3 }).valid, false);
  });

  it('refuses a type name that would make the OASIS pattern backtrack, without running it', () => {
    const v = validator.validate({ type: `${'a'.repeat(200)}_`, id: 'x' });
    assert.equal(v.valid, false);
    if (!v.valid) assert.match(v.reason, /not a STIX type name/);
  });
});
