import { it } from 'node:test';
import assert from 'node:assert/strict';
import { refTo } from '../../src/protocol/statement.js';
import { CheckAlreadyAnsweredError, CheckNotFoundError } from '../../src/node/scheduler.js';
import { forEachStore } from '../support/stores.js';
import { Parties, T0 } from './scheduler-harness.js';

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60;

forEachStore('scheduled communication checks', (makeStore) => {
  it('sends one check to every other party every week, and a restart does not send it again', async () => {
    const p = await Parties.open(['avalon', 'borealis', 'carpathia'], { makeStore });
    const a = () => p.scheduler('avalon');
    const first = await a().tick();
    assert.equal(first.checksSent.length, 1);
    const check = first.checksSent[0]!.statement;
    assert.deepEqual(check.to, ['borealis', 'carpathia']);
    assert.equal(check.body?.scheduled, true);
    assert.match(String(check.body?.nonce), /^[0-9a-f]{32}$/);
    assert.equal(first.nextDueMs, T0 + WEEK * MINUTE);

    assert.deepEqual((await a().tick()).checksSent, []);
    p.clock.advanceMinutes(WEEK - 1);
    assert.deepEqual((await a().tick()).checksSent, []);
    await p.restart('avalon');
    assert.deepEqual((await a().tick()).checksSent, [], 'the last check in the log says the next is not due yet');
    p.clock.advanceMinutes(1);
    assert.equal((await a().tick()).checksSent.length, 1);
    await p.restart('avalon');
    assert.deepEqual((await a().tick()).checksSent, []);

    const sent = await p.own('avalon', 'communication-check');
    assert.deepEqual(sent.map((h) => Date.parse(h.statement.time) - T0), [0, WEEK * MINUTE]);
    assert.notEqual(sent[0]!.statement.body?.nonce, sent[1]!.statement.body?.nonce);
  });

  it('a node-answered check is replied to as soon as it arrives, and the latency is recorded', async (t) => {
    const p = await Parties.open(['avalon', 'borealis'], { makeStore });
    t.after(() => p.stop());
    p.scheduler('borealis').start();
    await p.scheduler('borealis').idle();
    await p.sync(); // borealis's own first check, and avalon's receipt for it
    const [check] = (await p.scheduler('avalon').tick()).checksSent;
    assert.ok(check);
    const pending = await p.scheduler('avalon').checkResults();
    assert.deepEqual(pending[0]?.answers, [{ party: 'borealis', status: 'pending' }]);

    p.clock.advanceMinutes(0.5);
    await p.sync(); // borealis mirrors the check and its scheduler answers at once; the reply comes back
    const replies = await p.own('borealis', 'communication-check-reply');
    assert.equal(replies.length, 1);
    assert.deepEqual(replies[0]!.statement.refs, [refTo(check)]);
    assert.deepEqual(replies[0]!.statement.body, { nonce: check.statement.body?.nonce, answeredBy: 'node' });

    const [result] = await p.scheduler('avalon').checkResults();
    assert.deepEqual(result?.check, refTo(check));
    assert.equal(result?.scheduled, true);
    assert.deepEqual(result?.answers, [{ party: 'borealis', status: 'answered', latencyMs: 30_000, reply: refTo(replies[0]!) }]);

    // Restarting borealis does not answer the same check twice.
    await p.restart('borealis');
    p.scheduler('borealis').start();
    await p.scheduler('borealis').idle();
    assert.equal((await p.own('borealis', 'communication-check-reply')).length, 1);
  });

  it('a check that arrived while the scheduler was not running is answered by the next pass', async () => {
    const p = await Parties.open(['avalon', 'borealis'], { makeStore });
    const [check] = (await p.scheduler('avalon').tick()).checksSent;
    await p.sync();
    assert.deepEqual(await p.own('borealis', 'communication-check-reply'), []);
    p.clock.advanceMinutes(5);
    const { replies } = await p.scheduler('borealis').tick();
    assert.deepEqual(replies.map((r) => r.statement.refs[0]?.hash), [check!.hash]);
    await p.sync();
    assert.equal((await p.scheduler('avalon').checkResults())[0]?.answers[0]?.latencyMs, 5 * MINUTE);
  });

  it('a person-answered check stays pending for a person, is "missed" after answerWithin, and a late answer counts as late', async (t) => {
    const p = await Parties.open(['avalon', 'borealis'], { makeStore, agreement: { communicationChecks: { every: 'P7D', answerWithin: 'PT1H', answeredBy: 'person' } } });
    t.after(() => p.stop());
    p.scheduler('borealis').start();
    await p.scheduler('borealis').idle();
    const [check] = (await p.scheduler('avalon').tick()).checksSent;
    assert.ok(check);
    p.clock.advanceMinutes(10);
    await p.sync();
    assert.deepEqual(await p.own('borealis', 'communication-check-reply'), [], 'the node does not answer for a person');
    assert.deepEqual(await p.scheduler('borealis').reminders(), [{
      kind: 'communication-check', case: null, statement: refTo(check), due: new Date(T0 + 60 * MINUTE).toISOString(), timeLeftMs: 50 * MINUTE,
    }]);
    assert.equal((await p.scheduler('avalon').checkResults())[0]?.answers[0]?.status, 'pending');

    p.clock.advanceMinutes(51);
    assert.deepEqual((await p.scheduler('avalon').checkResults())[0]?.answers, [{ party: 'borealis', status: 'missed' }]);
    assert.equal((await p.scheduler('borealis').reminders())[0]?.timeLeftMs, -MINUTE, 'still waiting for a person, one minute late');

    await assert.rejects(p.scheduler('borealis').answerCheck('00'.repeat(32), { name: 'Duty officer' }), CheckNotFoundError);
    const reply = await p.scheduler('borealis').answerCheck(check.hash, { name: 'Irina Sokolova', role: 'duty officer' });
    assert.deepEqual(reply.statement.body, { nonce: check.statement.body?.nonce, answeredBy: 'person', person: { name: 'Irina Sokolova', role: 'duty officer' } });
    await assert.rejects(p.scheduler('borealis').answerCheck(check.hash, { name: 'Irina Sokolova' }), CheckAlreadyAnsweredError);
    await p.sync();
    assert.deepEqual(await p.scheduler('borealis').reminders(), []);
    assert.deepEqual((await p.scheduler('avalon').checkResults())[0]?.answers, [{ party: 'borealis', status: 'late', latencyMs: 61 * MINUTE, reply: refTo(reply) }]);
  });
});
