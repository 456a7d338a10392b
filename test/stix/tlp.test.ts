import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TLP, mayRead, TLP2_MARKINGS, tlpOfObject, tlpOfObjects } from '../../src/stix/tlp.js';
import { carriedBy, sightingObject } from '../../src/taxii/served-objects.js';
import { StixValidator } from '../../src/stix/stix-validator.js';

describe('TLP from STIX markings', () => {
  it('reads TLP 2.0 and TLP 1.0 markings, in object and granular markings, and takes the strictest', () => {
    assert.equal(tlpOfObject({ object_marking_refs: [TLP2_MARKINGS['AMBER+STRICT']] }), 'AMBER+STRICT');
    assert.equal(tlpOfObject({ object_marking_refs: ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'] }), 'CLEAR'); // TLP 1.0 WHITE
    assert.equal(tlpOfObject({ object_marking_refs: ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed'] }), 'RED'); // TLP 1.0 RED
    assert.equal(tlpOfObject({ object_marking_refs: [TLP2_MARKINGS.GREEN], granular_markings: [{ marking_ref: TLP2_MARKINGS.RED, selectors: ['description'] }] }), 'RED');
    assert.equal(tlpOfObject({ object_marking_refs: ['marking-definition--00000000-0000-4000-8000-000000000000'] }), undefined);
    assert.equal(tlpOfObjects([{ object_marking_refs: [TLP2_MARKINGS.CLEAR] }, { object_marking_refs: [TLP2_MARKINGS.AMBER] }, {}]), 'AMBER');
    assert.equal(tlpOfObjects([{}, {}]), DEFAULT_TLP);
  });

  it('lets the author and addressees read every level, others only CLEAR and GREEN', () => {
    const s = { author: 'avalon', to: ['borduria'] };
    for (const level of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const) {
      assert.equal(mayRead('avalon', s, level), true);
      assert.equal(mayRead('borduria', s, level), true);
      assert.equal(mayRead('syldavia', s, level), level === 'CLEAR' || level === 'GREEN', level);
    }
  });
});

describe('a sighting statement as STIX', () => {
  it('is a valid STIX 2.1 sighting', () => {
    const statement = {
      v: 1 as const, agreement: 'avalon-borduria', author: 'borduria', index: 3, time: '2026-11-23T01:00:00.000Z', to: ['avalon'], type: 'sighting', case: null,
      refs: [{ party: 'avalon', index: 0, hash: '0'.repeat(64) }], sig: 'c2ln',
      body: { object: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', kind: 'seen', count: 3, first_seen: '2026-11-22T04:00:00.000Z', last_seen: '2026-11-22T05:30:00.000Z', text: 'seen twice' },
    };
    const o = sightingObject(statement, 'ab'.repeat(32));
    assert.deepEqual(new StixValidator().validate(o), { valid: true });
    assert.equal(o.sighting_of_ref, statement.body.object);
    assert.equal(o.x_parley_sighting_kind, 'seen');
  });
});

describe('what a node serves of a statement it holds', () => {
  const statement = (tlp: string, to: string[]) => ({
    v: 1 as const, agreement: 'regional-cbm', author: 'avalon', index: 0, time: '2026-11-23T01:00:00.000Z', to, type: 'indicators', case: null, refs: [], sig: 'c2ln',
    body: { tlp, objects: [{ type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }] },
  });

  it('serves a readable body to a party not addressed only under CLEAR or GREEN (were a peer not to seal it)', () => {
    for (const level of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']) {
      const carried = carriedBy('syldavia', statement(level, ['borduria']), 'ab'.repeat(32));
      assert.equal(carried !== undefined, level === 'CLEAR' || level === 'GREEN', level);
      assert.equal(carriedBy('borduria', statement(level, ['borduria']), 'ab'.repeat(32))?.objects.length, 1, level);
    }
  });

  it('serves nothing of a sealed statement (no body)', () => {
    const { body: _, ...sealed } = statement('GREEN', ['borduria']);
    assert.equal(carriedBy('borduria', sealed, 'ab'.repeat(32)), undefined);
  });
});

