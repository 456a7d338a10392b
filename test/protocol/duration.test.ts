import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDuration, compareDurations, isDuration, parseDuration } from '../../src/protocol/duration.js';
import { ValidationError } from '../../src/protocol/errors.js';

describe('parseDuration', () => {
  test('reads every component', () => {
    assert.deepEqual(parseDuration('P1Y2M3W4DT5H6M7.5S'), { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.5 });
    assert.deepEqual(parseDuration('PT4H'), { years: 0, months: 0, weeks: 0, days: 0, hours: 4, minutes: 0, seconds: 0 });
    assert.equal(parseDuration('P3D').days, 3);
    assert.equal(parseDuration('PT0,25S').seconds, 0.25);
  });

  test('refuses what is not an ISO 8601 duration, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /start with "P"/], ['3D', /start with "P"/], ['P', /no components/], ['PT', /followed by hours/],
      ['P1DT', /followed by hours/], ['P4H', /not a designator/], ['PT3D', /not a designator/], ['P1D2Y', /out of order/],
      ['P1D1D', /out of order/], ['P1.5D', /only seconds/], ['P-1D', /cannot read/], ['pt4h', /start with "P"/],
      ['PT4H ', /cannot read/], ['P1DT1HT1M', /more than once/], ['PT1.2345S', /cannot read/],
    ];
    for (const [text, why] of cases) {
      assert.throws(() => parseDuration(text), (e: unknown) => {
        assert.ok(e instanceof ValidationError, text);
        assert.equal(e.rule, 'duration.format');
        assert.match(e.message, why, text);
        return true;
      });
      assert.equal(isDuration(text), false, text);
    }
    assert.equal(isDuration(42), false);
    assert.equal(isDuration('P3D'), true);
  });
});

describe('addDuration', () => {
  test('adds exact units', () => {
    assert.equal(addDuration('2026-11-22T03:00:00.000Z', 'PT4H'), '2026-11-22T07:00:00.000Z');
    assert.equal(addDuration('2026-11-22T23:30:00.000Z', 'PT45M'), '2026-11-23T00:15:00.000Z');
    assert.equal(addDuration('2026-12-30T12:00:00.000Z', 'P3D'), '2027-01-02T12:00:00.000Z');
    assert.equal(addDuration('2026-01-01T00:00:00.000Z', 'P2W'), '2026-01-15T00:00:00.000Z');
    assert.equal(addDuration('2026-01-01T00:00:00.000Z', 'PT1.5S'), '2026-01-01T00:00:01.500Z');
  });

  test('adds months and years on the calendar, keeping the day or clamping it to the month\'s end', () => {
    assert.equal(addDuration('2026-01-31T10:00:00.000Z', 'P1M'), '2026-02-28T10:00:00.000Z');
    assert.equal(addDuration('2028-01-31T10:00:00.000Z', 'P1M'), '2028-02-29T10:00:00.000Z');
    assert.equal(addDuration('2026-03-15T00:00:00.000Z', 'P1M'), '2026-04-15T00:00:00.000Z');
    assert.equal(addDuration('2028-02-29T00:00:00.000Z', 'P1Y'), '2029-02-28T00:00:00.000Z');
    assert.equal(addDuration('2026-11-30T00:00:00.000Z', 'P3M'), '2027-02-28T00:00:00.000Z');
    assert.equal(addDuration('2026-01-31T00:00:00.000Z', 'P1M1D'), '2026-03-01T00:00:00.000Z');
    assert.equal(addDuration('2026-05-25T00:00:00.000Z', 'P3Y'), '2029-05-25T00:00:00.000Z');
  });

  test('accepts instants with or without milliseconds or with an offset, and refuses others', () => {
    assert.equal(addDuration('2026-01-01T00:00:00Z', 'PT1H'), '2026-01-01T01:00:00.000Z');
    assert.equal(addDuration('2026-01-01T03:00:00+03:00', 'PT1H'), '2026-01-01T01:00:00.000Z');
    assert.throws(() => addDuration('yesterday', 'PT1H'), (e: unknown) => e instanceof ValidationError && e.rule === 'time.format');
    assert.throws(() => addDuration('2026-01-01', 'PT1H'), (e: unknown) => e instanceof ValidationError && e.rule === 'time.format');
    assert.throws(() => addDuration('2026-01-01T00:00:00.000Z', '1H'), (e: unknown) => e instanceof ValidationError && e.rule === 'duration.format');
  });

  test('never goes back in time', () => {
    const units = ['Y', 'M', 'W', 'D'] as const;
    fc.assert(fc.property(
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.nat(40), fc.constantFrom(...units), fc.nat(100),
      (d, n, unit, hours) => {
        const from = d.toISOString();
        const to = addDuration(from, `P${n}${unit}T${hours}H`);
        return Date.parse(to) >= Date.parse(from);
      },
    ));
  });
});

describe('compareDurations', () => {
  test('orders durations of different units', () => {
    assert.equal(compareDurations('PT4H', 'P1D'), -1);
    assert.equal(compareDurations('P1D', 'PT24H'), 0);
    assert.equal(compareDurations('P1W', 'P6D'), 1);
    assert.equal(compareDurations('P5D', 'P3D'), 1);
    assert.equal(compareDurations('P1M', 'P30D'), 1);
    assert.equal(compareDurations('P1Y', 'P12M'), 0);
    assert.equal(compareDurations('PT90M', 'PT1H30M'), 0);
  });
});
