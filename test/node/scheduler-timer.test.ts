import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceleratedClock } from '../../src/node/clock.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { Parties } from './scheduler-harness.js';

const HOUR = 3_600_000;

describe('the scheduler on its own timer', () => {
  it('wakes when a deadline lapses on an accelerated clock, escalates once, and keeps quiet afterwards', { timeout: 30_000 }, async (t) => {
    const clock = acceleratedClock(Date.now(), 36_000); // an hour of the node's clock passes in 100 real milliseconds
    const p = await Parties.open(['avalon', 'borealis'], { scheduler: { tickMs: 10 }, clock });
    t.after(() => p.stop());
    const node = p.node('avalon');
    // critical: acknowledgement within 1 hour
    const n = await node.send({
      type: 'notification', to: ['borealis'], case: 'avalon:1',
      body: { category: 'availability.ddos', severity: 'critical', summary: 'DDoS from your networks', actions: ['investigate'] },
    });
    const escalated = new Promise<HashedStatement>((resolve) => {
      node.events.on('appended', (h) => { if (h.statement.type === 'escalation') resolve(h); });
    });
    p.scheduler('avalon').start();
    const e = await escalated;
    assert.ok(Date.parse(e.statement.time) > Date.parse(n.statement.time) + HOUR, 'not before the deadline lapsed');
    assert.equal(e.statement.body?.tier, 'diplomatic');

    // Let three more hours of the node's clock pass with the scheduler running: nothing else lapses.
    const until = Date.parse(e.statement.time) + 3 * HOUR;
    while (clock.nowMs() < until) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    assert.equal((await p.own('avalon', 'escalation')).length, 1);
  });
});
