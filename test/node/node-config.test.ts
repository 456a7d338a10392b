/** node.json as an operator edits it: every mistake is named by its field; passwords never printed. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { NodeConfigError, parseNodeConfig, redactedConfig, type NodeConfig } from '../../src/node/node-config.js';

const good: NodeConfig = {
  format: 'parley/node/v1',
  agreement: 'avalon-borduria',
  party: 'avalon',
  federation: { host: '0.0.0.0', port: 8443, url: 'https://parley.avalon.example:8443' },
  api: { host: '127.0.0.1', port: 8080 },
  database: { driver: 'sqlite', file: 'parley.db' },
};

/** A copy of the good config with `change` applied to it. */
function edited(change: (c: Record<string, any>) => void): unknown {
  const c = structuredClone(good) as Record<string, any>;
  change(c);
  return c;
}

function refusedAt(field: string, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof NodeConfigError, `expected NodeConfigError, got ${String(e)}`);
    assert.equal(e.field, field, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

describe('node.json validation', () => {
  test('a complete config passes, with the optional clock and log level', () => {
    assert.deepEqual(parseNodeConfig(good), good);
    const withClock = edited((c) => { c.clock = { origin: '2026-11-01T00:00:00Z', speed: 3600 }; c.logLevel = 'debug'; });
    assert.deepEqual(parseNodeConfig(withClock), withClock);
    const pg = edited((c) => { c.database = { driver: 'postgres', url: 'postgres://parley:pw@db:5432/parley' }; });
    assert.deepEqual(parseNodeConfig(pg), pg);
  });

  const cases: Array<[string, (c: Record<string, any>) => void, string, RegExp?]> = [
    ['a missing field', (c) => delete c.party, 'party', /is required/],
    ['a port out of range', (c) => { c.federation.port = 70000; }, 'federation.port'],
    ['a port given as text', (c) => { c.api.port = '8080'; }, 'api.port'],
    ['a misspelt field', (c) => { c.api.hots = 'localhost'; }, 'api.hots', /not a field/],
    ['a misspelt optional field at the top', (c) => { c.loglevel = 'info'; }, 'loglevel', /not a field/],
    ['an unknown driver', (c) => { c.database = { driver: 'mysql', url: 'mysql://x' }; }, 'database.driver', /"mysql"/],
    ['a sqlite database without a file', (c) => { c.database = { driver: 'sqlite' }; }, 'database.file', /is required/],
    ['a postgres database with a file', (c) => { c.database = { driver: 'postgres', url: 'postgres://h/db', file: 'x' }; }, 'database.file', /not a field/],
    ['a postgres URL of another scheme', (c) => { c.database = { driver: 'postgres', url: 'mysql://h/db' }; }, 'database.url'],
    ['a federation URL over plain http', (c) => { c.federation.url = 'http://parley.avalon.example'; }, 'federation.url', /https/],
    ['a party id with capitals', (c) => { c.party = 'Avalon'; }, 'party'],
    ['a clock origin that is no date', (c) => { c.clock = { origin: 'yesterday', speed: 1 }; }, 'clock.origin'],
    ['a clock that stands still', (c) => { c.clock = { origin: '2026-11-01T00:00:00Z', speed: 0 }; }, 'clock.speed'],
    ['an unknown log level', (c) => { c.logLevel = 'verbose'; }, 'logLevel', /one of "fatal", "error"/],
    ['another format', (c) => { c.format = 'parley/node/v2'; }, 'format'],
  ];
  for (const [what, change, field, message] of cases) {
    test(`${what} is refused, naming ${field}`, () => {
      assert.throws(() => parseNodeConfig(edited(change)), refusedAt(field, message));
    });
  }

  test('the error message carries the field too, for people reading logs', () => {
    assert.throws(() => parseNodeConfig(edited((c) => { c.federation.port = -1; })), /^NodeConfigError: node\.json: federation\.port: /);
  });

  test('not an object at all', () => {
    assert.throws(() => parseNodeConfig([good]), refusedAt(''));
  });
});

describe('redactedConfig', () => {
  test('hides a postgres password and keeps the rest', () => {
    const c = parseNodeConfig(edited((x) => { x.database = { driver: 'postgres', url: 'postgres://parley:s3cret-pw@db.example:5432/parley' }; })) ;
    const r = redactedConfig(c);
    assert.doesNotMatch(JSON.stringify(r), /s3cret-pw/);
    assert.equal(r.database.driver === 'postgres' && r.database.url, 'postgres://parley:REDACTED@db.example:5432/parley');
    assert.equal(c.database.driver === 'postgres' && c.database.url, 'postgres://parley:s3cret-pw@db.example:5432/parley', 'the original is unchanged');
  });
  test('leaves a SQLite config as it is', () => {
    assert.deepEqual(redactedConfig(good), good);
  });
});
