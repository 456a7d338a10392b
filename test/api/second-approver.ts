/** The two-person rule in API tests: a second approver's token, and approving what the first one proposed. */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createToken } from '../../src/api/tokens.js';
import { bearer, type ApiFixture } from './api-fixture.js';

const seconds = new WeakMap<ApiFixture, string>();

export async function secondApproverToken(f: ApiFixture): Promise<string> {
  let token = seconds.get(f);
  if (!token) {
    token = (await createToken(f.node.store, f.node.clock, 'second approver', 'approver')).token;
    seconds.set(f, token);
  }
  return token;
}

/** A 202 answer (a draft kept for approval), approved by a second approver: the answer of the approval (201, sent). */
export async function approveAsSecond(f: ApiFixture, proposed: LightMyRequestResponse): Promise<LightMyRequestResponse> {
  assert.equal(proposed.statusCode, 202, proposed.body);
  const id = proposed.json().approval.id as number;
  const res = await f.app.inject({ method: 'POST', url: `/api/v1/approvals/${id}/approve`, headers: bearer(await secondApproverToken(f)) });
  assert.equal(res.statusCode, 201, res.body);
  return res;
}
