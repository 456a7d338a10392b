/**
 * Whom a node seals to after encryption-key rotations: the key of each party's latest valid rotation in its log (by
 * index, whatever the order the node received them in), else the agreement's; a rotation that breaks the type's rules
 * is never followed. And the rotation statement's own rules.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { codebookFor } from '../../src/protocol/codebook.js';
import { encryptionKeyPair, formatEncryptionKey, type EncryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { ValidationError } from '../../src/protocol/errors.js';
import { openSealedBody, sealBody } from '../../src/protocol/sealed-body.js';
import type { HashedStatement, StatementBody } from '../../src/protocol/statement.js';
import { validateStatement } from '../../src/protocol/statement-types.js';
import { Sealing } from '../../src/node/sealing.js';
import { Logs, makeAgreement, partyEncryptionKey, t } from '../support/case-builder.js';

const agreement = makeAgreement(['avalon', 'borduria', 'carpathia']);
const ctx = { agreement, codebook: codebookFor(agreement.codebook) };
const rotated = (seed: number) => encryptionKeyPair(new Uint8Array(32).fill(seed));
const bodyOf = (k: EncryptionKeyPair, over: StatementBody = {}): StatementBody => ({ newKey: formatEncryptionKey(k.publicKey), kid: k.id, reason: 'scheduled', ...over });

function sealingWith(rotations: HashedStatement[]): Sealing {
  const sealing = new Sealing('avalon', agreement, [partyEncryptionKey(0)]);
  sealing.followRotationsIn({ ofTypes: () => rotations });
  return sealing;
}

describe('the keys a node seals to', () => {
  test("the agreement's keys until a party rotates", () => {
    const keys = sealingWith([]).currentKeys();
    assert.deepEqual(keys.get('borduria'), partyEncryptionKey(1).publicKey);
  });

  test("the latest rotation in the party's log wins, whatever order they came in; others keep the agreement's", () => {
    const logs = new Logs(agreement);
    const first = logs.say('borduria', { type: 'encryption-key-rotation', time: t(1), body: bodyOf(rotated(1)) });
    const second = logs.say('borduria', { type: 'encryption-key-rotation', time: t(2), body: bodyOf(rotated(2)) });
    const keys = sealingWith([second, first]).currentKeys();
    assert.deepEqual(keys.get('borduria'), rotated(2).publicKey);
    assert.deepEqual(keys.get('carpathia'), partyEncryptionKey(2).publicKey);
  });

  test('a rotation whose kid is not its key, or that is sealed, is not followed', () => {
    const logs = new Logs(agreement);
    const good = logs.say('borduria', { type: 'encryption-key-rotation', time: t(1), body: bodyOf(rotated(1)) });
    const badKid = logs.say('borduria', { type: 'encryption-key-rotation', time: t(2), body: bodyOf(rotated(2), { kid: '00000000' }) });
    const sealed: HashedStatement = { ...good, statement: { ...good.statement, index: 7, sealed: {} as never } };
    assert.deepEqual(sealingWith([good, badKid, sealed]).currentKeys().get('borduria'), rotated(1).publicKey);
  });

  test("a body sealed after the rotation opens with the new key only, and names its kid", async () => {
    const logs = new Logs(agreement);
    const rotation = logs.say('borduria', { type: 'encryption-key-rotation', time: t(1), body: bodyOf(rotated(1)) });
    const sealing = sealingWith([rotation]);
    const unsigned = { v: 1 as const, agreement: agreement.id, author: 'avalon', index: 0, time: t(2), to: ['borduria'], type: 'notification', case: 'avalon:1', refs: [], body: { summary: 'x' } };
    const sealed = await sealing.sealIfNeeded(unsigned);
    assert.equal(sealed.sealed!.recipients.borduria!.kid, rotated(1).id);
    assert.deepEqual(await openSealedBody(sealed, 'borduria', [partyEncryptionKey(1), rotated(1)]), { summary: 'x' });
    await assert.rejects(openSealedBody(sealed, 'borduria', [partyEncryptionKey(1)]), { rule: 'sealed.unknown-key' });
  });

  test('a key pair added by a rotation opens what is sealed to it', async () => {
    const logs = new Logs(agreement);
    const own = logs.say('avalon', { type: 'encryption-key-rotation', time: t(1), body: bodyOf(rotated(9)) });
    const sealing = sealingWith([own]);
    sealing.addKeyPair(rotated(9));
    const signed = logs.say('borduria', { type: 'notification', time: t(2), to: ['avalon'], case: 'borduria:1', body: { summary: 'placeholder' } });
    const envelope = { ...signed.statement, body: undefined };
    const s = await sealBody(envelope, { summary: 'to avalon' }, sealing.currentKeys(), (n) => new Uint8Array(n).fill(3));
    const h: HashedStatement = { ...signed, statement: { ...signed.statement, body: undefined, sealed: s } };
    assert.deepEqual((await sealing.open(h)).statement.body, { summary: 'to avalon' });
  });
});

describe('the encryption-key-rotation statement', () => {
  const logs = new Logs(agreement);
  test('valid with its key and kid, addressed to every other party, in no case', () => {
    assert.doesNotThrow(() => validateStatement(logs.say('avalon', { type: 'encryption-key-rotation', time: t(1), body: bodyOf(rotated(1)) }).statement, ctx));
  });

  test('refused: a kid that is not the key\'s, a key that is not 32 bytes, addressed to some only, sealed', () => {
    const cases: Array<[StatementBody, Partial<{ to: string[] }>, string, string]> = [
      [bodyOf(rotated(1), { kid: 'abcdef01' }), {}, 'encryption-key-rotation.key', 'body.kid'],
      [bodyOf(rotated(1), { newKey: 'A'.repeat(42) + '==' }), {}, 'encryption-key-rotation.key', 'body.newKey'],
      [bodyOf(rotated(1)), { to: ['borduria'] }, 'statement.to', 'to'],
    ];
    for (const [body, over, rule, path] of cases) {
      const s = logs.say('avalon', { type: 'encryption-key-rotation', time: t(2), body, ...over }).statement;
      assert.throws(() => validateStatement(s, ctx), (e: unknown) => e instanceof ValidationError && e.rule === rule && e.path === path, rule);
    }
    const plain = logs.say('avalon', { type: 'encryption-key-rotation', time: t(3), body: bodyOf(rotated(1)) }).statement;
    const { body: _b, ...withoutBody } = plain;
    assert.throws(() => validateStatement({ ...withoutBody, sealed: {} as never }, ctx), { rule: 'statement.sealed' });
  });
});
