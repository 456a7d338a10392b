import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tier } from '../../src/protocol/agreement.js';
import type { CaseState } from '../../src/protocol/case-state.js';
import { refTo, type HashedStatement } from '../../src/protocol/statement.js';
import { shouldEscalate } from '../../src/node/escalator.js';
import { Parties } from './scheduler-harness.js';

const PARTIES = ['avalon', 'borealis'];
const LADDERS: Tier[][] = [['technical', 'diplomatic', 'political'], ['technical', 'diplomatic'], ['technical']];

type Step =
  | { kind: 'open'; by: number; severity: string; request: boolean }
  | { kind: 'answer'; caseIx: number; respond: boolean }
  | { kind: 'close'; caseIx: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'tick'; by: number }
  | { kind: 'restart'; by: number };

const party = fc.integer({ min: 0, max: 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), by: party, severity: fc.constantFrom('low', 'medium', 'high', 'critical'), request: fc.boolean() }),
  fc.record({ kind: fc.constant('answer' as const), caseIx: fc.nat(9), respond: fc.boolean() }),
  fc.record({ kind: fc.constant('close' as const), caseIx: fc.nat(9) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 1800 }) }),
  fc.record({ kind: fc.constant('tick' as const), by: party }),
  fc.record({ kind: fc.constant('tick' as const), by: party }),
  fc.record({ kind: fc.constant('restart' as const), by: party }),
);

interface Opened { id: string; opener: string; other: string; opening: HashedStatement }

async function play(p: Parties, steps: Step[]): Promise<void> {
  const cases: Opened[] = [];
  for (const s of steps) {
    switch (s.kind) {
      case 'open': {
        const opener = PARTIES[s.by] as string;
        const other = PARTIES[1 - s.by] as string;
        const id = `${opener}:c-${cases.length}`;
        const body = s.request
          ? { severity: s.severity, actions: ['take-down'], summary: 'Take the C2 server down' }
          : { category: 'availability.ddos', severity: s.severity, summary: 'DDoS from your networks', actions: ['investigate'] };
        const opening = await p.node(opener).send({ type: s.request ? 'request-for-assistance' : 'notification', to: [other], case: id, body });
        cases.push({ id, opener, other, opening });
        break;
      }
      case 'answer': {
        const c = cases[s.caseIx % Math.max(cases.length, 1)];
        if (!c) break;
        const [type, body] = s.respond ? ['response', { outcome: 'action-taken' }] : ['acknowledgement', { by: { name: 'Duty officer' } }];
        await p.node(c.other).send({ type, to: [c.opener], case: c.id, refs: [refTo(c.opening)], body });
        break;
      }
      case 'close': {
        const c = cases[s.caseIx % Math.max(cases.length, 1)];
        if (c) await p.node(c.opener).send({ type: 'closure', to: [c.other], case: c.id, body: { reason: 'resolved' } });
        break;
      }
      case 'advance': p.clock.advanceMinutes(s.minutes); break;
      case 'tick': await p.scheduler(PARTIES[s.by] as string).tick(); break;
      case 'restart': await p.restart(PARTIES[s.by] as string); break;
    }
    await p.sync();
  }
}

/** Every escalation of the case went one tier up, by the opener, for a lapse since the previous one, while the case was open. */
function checkEscalations(c: CaseState, ladder: Tier[], escalations: HashedStatement[], closureIndex: number | undefined): void {
  let since = -Infinity;
  escalations.forEach((e, k) => {
    const s = e.statement;
    assert.equal(s.author, c.opener, `${c.id}: escalated by its opener`);
    assert.equal(s.body?.tier, ladder[k + 1], `${c.id}: escalation ${k} goes to the next tier, never past the top`);
    if (closureIndex !== undefined) assert.ok(s.index < closureIndex, `${c.id}: not escalated after it was closed`);
    const at = Date.parse(s.time);
    const lapse = c.deadlines.find((d) => d.party !== c.opener && Date.parse(d.due) > since && Date.parse(d.due) < at
      && (d.met === undefined || Date.parse(d.met) > Date.parse(d.due)));
    assert.ok(lapse, `${c.id}: escalation ${k} answers a deadline that lapsed since the previous escalation`);
    since = at;
  });
  assert.deepEqual(c.issues.filter((i) => i.rule.startsWith('escalation')), []);
}

describe('escalation over random timelines', () => {
  it('is never duplicated, never sent for a closed case or past the top of the ladder, and never missed', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...LADDERS), fc.array(step, { minLength: 1, maxLength: 25 }), async (ladder, steps) => {
      const p = await Parties.open(PARTIES, { agreement: { escalation: { ladder, onOverdue: 'escalate' } } });
      await play(p, steps);
      // At the end, every scheduler has had its pass: whatever needed escalating is escalated.
      p.clock.advanceMinutes(1);
      for (const id of PARTIES) await p.scheduler(id).tick();
      await p.sync();
      const node = p.node('avalon');
      const escalations = await p.own('avalon', 'escalation').then(async (a) => [...a, ...(await p.own('borealis', 'escalation'))]);
      const closures = [...(await p.own('avalon', 'closure')), ...(await p.own('borealis', 'closure'))];
      for (const c of await node.cases()) {
        const mine = escalations.filter((e) => e.statement.case === c.id).sort((a, b) => a.statement.index - b.statement.index);
        const closure = closures.find((h) => h.statement.case === c.id && h.statement.author === c.opener);
        checkEscalations(c, ladder, mine, closure?.statement.index);
        assert.equal(shouldEscalate(c, c.opener, ladder), false, `${c.id}: nothing left to escalate after the last pass`);
      }
    }), { numRuns: 60 });
  });
});
