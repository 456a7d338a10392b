/**
 * Two real nodes: objects posted to avalon's TAXII server become one signed statement that borduria's node mirrors
 * and serves from its own TAXII root, with avalon as author and avalon's signature; borduria's sighting goes back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ApiClient } from '../../src/cli/api-client.js';
import { ADMIN_TOKEN_FILE, type RunningNode } from '../../src/node/run-node.js';
import { verifyStatementSignature } from '../../src/protocol/statement.js';
import { parseVerifierKey } from '../../src/protocol/note-key.js';
import { TAXII_MEDIA_TYPE } from '../../src/taxii/media-types.js';
import { until } from '../node/core-network.js';
import { runAvalonAndBorduria } from '../api/running-nodes.js';
import { indicator } from './taxii-fixture.js';

const nodes: RunningNode[] = [];
before(async () => { nodes.push(...(await runAvalonAndBorduria({ scheduler: false }))); });

async function tokenOf(n: RunningNode, role: string): Promise<string> {
  const admin = new ApiClient(n.apiUrl, readFileSync(join(n.files.dir, ADMIN_TOKEN_FILE), 'utf8').trim());
  return (await admin.post<{ token: string }>('/api/v1/tokens', { name: `taxii ${role}`, role })).token;
}

async function taxii(n: RunningNode, token: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${n.apiUrl}/taxii2/avalon-borduria${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { authorization: `Bearer ${token}`, accept: TAXII_MEDIA_TYPE, ...(init.body ? { 'content-type': TAXII_MEDIA_TYPE } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

test('an object posted to avalon is served by borduria with avalon as author and avalon\'s signature, and a sighting goes back', async () => {
  const [avalon, borduria] = nodes as [RunningNode, RunningNode];
  const avalonOfficer = await tokenOf(avalon, 'duty-officer');
  const borduriaReader = await tokenOf(borduria, 'auditor');
  const shared = indicator(1, { tlp: 'AMBER' });
  const posted = await taxii(avalon, avalonOfficer, '/collections/avalon/objects/', { body: { objects: [shared] } });
  assert.equal(posted.status, 202);
  assert.equal(posted.body.success_count, 1);

  let served: any;
  await until('borduria serves avalon\'s object', async () => {
    const page = await taxii(borduria, borduriaReader, `/collections/avalon/objects/${shared.id}/`);
    served = page.status === 200 ? page.body.objects[0] : undefined;
    return served !== undefined;
  }, 30_000);
  const p = served.x_parley_provenance;
  assert.equal(p.author, 'avalon');
  assert.equal(p.tlp, 'AMBER');
  // The provenance names a statement borduria holds, signed by avalon, that carries exactly this object.
  const view = (await borduria.node.statement('avalon', p.index))!;
  assert.equal(view.statement.hash, p.hash);
  assert.equal(view.statement.statement.sig, p.sig);
  const { x_parley_provenance: _, ...asSigned } = served;
  assert.deepEqual(view.statement.statement.body!.objects, [asSigned]);
  const avalonKey = parseVerifierKey(borduria.node.agreement.parties.find((x) => x.id === 'avalon')!.signingKey).publicKey;
  assert.doesNotThrow(() => verifyStatementSignature(view.statement.statement, avalonKey));

  const borduriaOfficer = await tokenOf(borduria, 'duty-officer');
  const sighting = { type: 'sighting', spec_version: '2.1', id: 'sighting--0b5c8a57-3f57-4bb4-8d1a-0d3d0d1e9b11', created: '2026-11-23T01:00:00.000Z', modified: '2026-11-23T01:00:00.000Z', sighting_of_ref: shared.id, count: 4 };
  const back = await taxii(borduria, borduriaOfficer, '/collections/avalon/objects/', { body: { objects: [sighting] } });
  assert.equal(back.body.success_count, 1, JSON.stringify(back.body));
  const avalonReader = await tokenOf(avalon, 'auditor');
  await until('avalon sees borduria\'s sighting in its own collection', async () => {
    const page = await taxii(avalon, avalonReader, `/collections/avalon/objects/?match[type]=sighting`);
    return page.body.objects?.some((o: any) => o.id === sighting.id && o.sighting_of_ref === shared.id && o.x_parley_provenance.author === 'borduria');
  }, 30_000);
});
