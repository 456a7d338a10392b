import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldCases } from '../../src/protocol/case-fold.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { CaseView } from '../../src/node/case-view.js';
import { keyHistory } from '../../src/node/peer-keys.js';
import { StatementCache } from '../../src/node/statement-cache.js';
import { formatVerifierKey } from '../../src/protocol/note-key.js';
import { Logs, makeAgreement, partyKey, t } from '../support/case-builder.js';

const agreement = makeAgreement(['avalon', 'borealis', 'cathay']);
const notify = (severity: string) => ({ category: 'availability.ddos', severity, summary: 'DDoS from your networks', actions: ['investigate'] });

/** Three cases over a few hours: notifications, receipts, acknowledgements (one late), a response, an escalation. */
function story(): HashedStatement[] {
  const logs = new Logs(agreement);
  const n1 = logs.say('avalon', { type: 'notification', time: t(0), to: ['borealis'], case: 'avalon:1', body: notify('critical') });
  logs.receipt('borealis', n1);
  const n2 = logs.say('borealis', { type: 'notification', time: t(10), to: ['avalon', 'cathay'], case: 'borealis:1', body: notify('high') });
  logs.receipt('avalon', n2);
  logs.say('cathay', { type: 'acknowledgement', time: t(20), to: ['borealis'], case: 'borealis:1', refs: [n2], body: { by: { name: 'C' } } });
  logs.say('borealis', { type: 'acknowledgement', time: t(90), to: ['avalon'], case: 'avalon:1', refs: [n1], body: { by: { name: 'B' } } });
  const n3 = logs.say('cathay', { type: 'notification', time: t(100), to: ['avalon'], case: 'cathay:1', body: notify('low') });
  logs.say('avalon', { type: 'response', time: t(200), to: ['borealis'], case: 'borealis:1', refs: [n2], body: { outcome: 'action-taken' } });
  logs.say('avalon', { type: 'escalation', time: t(300), to: ['borealis'], case: 'avalon:1', refs: [n1], body: { tier: 'diplomatic', reason: 'overdue', text: 'late', language: 'en' } });
  logs.receipt('avalon', n3);
  return logs.all;
}

const STORY = story();
/** Instants from before the first statement to well after every deadline (the acknowledgement deadlines are 1 h to 1 d). */
const instant = fc.integer({ min: -10, max: 3000 }).map((m) => t(m));

describe('the case view', () => {
  it('gives what folding every statement gives, whatever the order of arrivals and questions (instants only move forward)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: STORY.length }), instant), { minLength: 1, maxLength: 12 }),
      (steps) => {
        const cache = new StatementCache();
        const view = new CaseView(cache, agreement);
        let held = 0;
        const ats = steps.map(([, at]) => at).sort();
        steps.forEach(([upTo], i) => {
          // Each log in index order, as the node appends them (the story's order is one valid interleaving).
          while (held < Math.max(held, upTo)) cache.add(STORY[held++]!);
          const at = ats[i]!;
          const expected = [...foldCases(STORY.slice(0, held), agreement, at).values()];
          assert.deepEqual(view.all(at), expected, `after ${held} statements at ${at}`);
          for (const c of expected) assert.deepEqual(view.byId(c.id, at), c);
        });
      },
    ), { numRuns: 60 });
  });

  it('turns a deadline overdue at the first instant after it is due, without a new statement', () => {
    const cache = new StatementCache();
    STORY.slice(0, 2).forEach((h) => cache.add(h));
    const view = new CaseView(cache, agreement);
    const due = view.byId('avalon:1', t(1))!.deadlines.find((d) => d.kind === 'acknowledgement')!.due;
    assert.equal(view.byId('avalon:1', due)!.deadlines.find((d) => d.kind === 'acknowledgement')!.overdue, false);
    const after = new Date(Date.parse(due) + 1).toISOString();
    assert.equal(view.byId('avalon:1', after)!.deadlines.find((d) => d.kind === 'acknowledgement')!.overdue, true);
  });
});

describe('the statement cache', () => {
  it('finds statements by hash, by position and by type, in the store\'s order', () => {
    const cache = new StatementCache();
    STORY.forEach((h) => cache.add(h));
    cache.add(STORY[0]!); // a statement seen again counts once
    assert.equal(cache.size, STORY.length);
    for (const h of STORY) {
      assert.equal(cache.byHashOf(h.hash), h);
      assert.equal(cache.at(h.statement.author, h.statement.index), h);
    }
    assert.equal(cache.last('avalon')?.statement.type, 'receipt');
    const receipts = cache.ofTypes(['receipt', 'acknowledgement']);
    assert.deepEqual(receipts.map((h) => h.statement.time), receipts.map((h) => h.statement.time).sort());
    assert.equal(receipts.length, STORY.filter((h) => ['receipt', 'acknowledgement'].includes(h.statement.type)).length);
  });

  it('refuses a statement that is not next in its log (it would no longer mirror the store)', () => {
    const cache = new StatementCache();
    const second = STORY.find((h) => h.statement.author === 'avalon' && h.statement.index === 1)!;
    assert.throws(() => cache.add(second), /not next/);
  });
});

describe('key histories from the statement cache', () => {
  it('follow the key-rotations of that party\'s log only', () => {
    const logs = new Logs(agreement);
    const cache = new StatementCache();
    const newKey = (i: number) => formatVerifierKey(`${agreement.id}/borealis`, 1, partyKey(i).publicKey.raw);
    cache.add(logs.say('borealis', { type: 'communication-check', time: t(0), body: { nonce: '00'.repeat(16), scheduled: false } }));
    cache.add(logs.say('borealis', { type: 'key-rotation', time: t(1), body: { newKey: newKey(7) } }));
    cache.add(logs.say('cathay', { type: 'key-rotation', time: t(2), body: { newKey: newKey(8) } }));
    const history = keyHistory(cache, agreement, 'borealis');
    assert.equal(history.vkeyAt(1), agreement.parties[1]!.signingKey, 'the rotation itself is signed with the old key');
    assert.equal(history.vkeyAt(2), newKey(7));
    assert.equal(keyHistory(cache, agreement, 'cathay').vkeyAt(0), agreement.parties[2]!.signingKey);
  });
});
