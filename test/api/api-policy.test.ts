/** The rules that are tables or pure functions: who may send what, and what the log must never show. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { STATEMENT_TYPES } from '../../src/protocol/statement-types.js';
import { SEND_RIGHTS, sendRefusal } from '../../src/api/roles.js';
import { createLogger, withoutPassword } from '../../src/node/logger.js';

describe('send rights', () => {
  test('every statement type of the protocol has a decided send right', () => {
    assert.deepEqual(Object.keys(SEND_RIGHTS).sort(), [...STATEMENT_TYPES.keys()].sort());
  });

  test('auditors and admins send nothing; duty officers only at the lowest tier; approvers any tier', () => {
    for (const role of ['auditor', 'admin'] as const) assert.match(sendRefusal(role, 'notification', 'technical', 'technical') ?? '', /cannot send/);
    assert.equal(sendRefusal('duty-officer', 'notification', 'technical', 'technical'), undefined);
    assert.match(sendRefusal('duty-officer', 'notification', 'political', 'technical') ?? '', /political tier needs the approver/);
    assert.match(sendRefusal('duty-officer', 'escalation', 'technical', 'technical') ?? '', /needs the approver role/);
    assert.equal(sendRefusal('approver', 'escalation', 'political', 'technical'), undefined);
    assert.equal(sendRefusal('duty-officer', 'no-such-type', 'technical', 'technical'), undefined, 'left to the validator (422)');
  });
});

describe('the log', () => {
  test('redacts tokens, keys, authorization headers and database passwords wherever they sit', () => {
    let out = '';
    const logger = createLogger({ destination: new Writable({ write(c, _e, done) { out += String(c); done(); } }) });
    logger.info({ token: 'parley_secret1', req: { headers: { authorization: 'Bearer parley_secret2' } }, config: { database: { driver: 'postgres', url: 'postgres://u:pw-secret3@db/p' } } }, 'x');
    logger.info({ tls: { keyPem: '-----BEGIN PRIVATE KEY----- secret4' }, signingKey: 'secret5' }, 'y');
    logger.warn('cannot connect to postgres://parley:pw-secret6@db:5432/parley');
    for (const s of ['secret1', 'secret2', 'secret3', 'secret4', 'secret5', 'secret6']) assert.ok(!out.includes(s), `${s} in ${out}`);
    assert.match(out, /postgres:\/\/parley:\*\*\*@db:5432\/parley/);
  });

  test('withoutPassword leaves URLs without a password alone', () => {
    assert.equal(withoutPassword('postgres://db/parley and https://example.org/a:b@c'), 'postgres://db/parley and https://example.org/a:b@c');
  });
});
