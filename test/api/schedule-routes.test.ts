/**
 * The scheduler through the user API: a communication check sent by one node shows as a reminder at the other,
 * a person answers it there, and the sender sees the result with its latency.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningNode } from '../../src/node/run-node.js';
import { clientOf, runAvalonAndBorduria } from './running-nodes.js';
import { ApiRefusedError } from '../../src/cli/api-client.js';
import { until } from '../node/core-network.js';

const nodes: RunningNode[] = [];

async function refusal(p: Promise<unknown>): Promise<ApiRefusedError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiRefusedError) return e;
    throw e;
  }
  assert.fail('the API accepted what it should refuse');
}

before(async () => { nodes.push(...(await runAvalonAndBorduria({ scheduler: true }))); });

interface Reminder { kind: string; statement: { party: string; hash: string }; due: string; timeLeftMs: number }

test("a person answers the other party's communication check through the API, and the sender sees the latency", async () => {
  const [avalon, borduria] = nodes as [RunningNode, RunningNode];
  const officer = await clientOf(borduria, 'duty-officer');
  let reminder: Reminder | undefined;
  await until("avalon's check shows as a reminder at borduria", async () => {
    reminder = (await officer.get<Reminder[]>('/api/v1/reminders')).find((r) => r.kind === 'communication-check' && r.statement.party === 'avalon');
    return reminder !== undefined;
  }, 30_000);
  const check = reminder!.statement.hash;
  assert.ok(reminder!.timeLeftMs > 0, 'the check is not yet late');

  const auditor = await clientOf(borduria, 'auditor');
  assert.equal((await refusal(auditor.post(`/api/v1/checks/${check}/answer`, { name: 'Irina Volkova' }))).status, 403);
  const answer = await officer.post<{ statement: { type: string; body: { answeredBy: string } } }>(`/api/v1/checks/${check}/answer`, { name: 'Irina Volkova', role: 'duty officer' });
  assert.equal(answer.statement.type, 'communication-check-reply');
  assert.equal(answer.statement.body.answeredBy, 'person');
  const again = await refusal(officer.post(`/api/v1/checks/${check}/answer`, { name: 'Irina Volkova' }));
  assert.equal(again.status, 409);
  assert.equal(again.rule, 'check.already-answered');
  const unknown = await refusal(officer.post(`/api/v1/checks/${'0'.repeat(64)}/answer`, { name: 'Irina Volkova' }));
  assert.equal(unknown.status, 404);
  assert.equal((await refusal(officer.post('/api/v1/checks/not-a-hash/answer', { name: 'x' }))).status, 400);

  const sender = await clientOf(avalon, 'auditor');
  type Result = { check: { hash: string }; answers: Array<{ party: string; status: string; latencyMs?: number }> };
  let answered: Result['answers'][number] | undefined;
  await until('avalon sees the answer with its latency', async () => {
    const results = await sender.get<Result[]>('/api/v1/checks');
    answered = results.find((r) => r.check.hash === check)?.answers.find((a) => a.party === 'borduria' && a.status === 'answered');
    return answered !== undefined;
  }, 30_000);
  assert.ok(typeof answered!.latencyMs === 'number' && answered!.latencyMs >= 0);
  assert.ok(Array.isArray(await sender.get('/api/v1/overdue')));
});
