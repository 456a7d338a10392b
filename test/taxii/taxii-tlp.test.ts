/**
 * TLP 2.0, level by level, among three parties of the regional agreement: avalon shares through its TAXII server,
 * borduria is addressed, syldavia is not. Each node serves only what its party may see: what is not addressed to
 * syldavia reaches its node sealed (bodies sealed to the addressees), and it would not serve it even unsealed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAgreement } from '../../src/protocol/agreement-parse.js';
import { PartyNode } from '../../src/node/party-node.js';
import { systemClock } from '../../src/node/clock.js';
import { createLogger } from '../../src/node/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import { buildApiServer } from '../../src/api/api-server.js';
import type { ApiApp } from '../../src/api/api-app.js';
import { createToken } from '../../src/api/tokens.js';
import type { TlpLevel } from '../../src/stix/tlp.js';
import { examplesDir } from '../support/paths.js';
import { tempDir } from '../support/temp.js';
import { exampleParty } from '../support/log-builder.js';
import { encryptionKeyPair } from '../../src/protocol/encryption-key.js';
import { sha256 } from '../../src/protocol/hash.js';
import { utf8 } from '../../src/protocol/encoding.js';
import { indicator, postObjects, taxiiHeaders } from './taxii-fixture.js';

const AGREEMENT = parseAgreement(readFileSync(join(examplesDir, 'regional-5.yaml'), 'utf8'));
const ROOT = '/taxii2/regional-cbm';
const PARTIES = ['avalon', 'borduria', 'syldavia'] as const;
type Party = (typeof PARTIES)[number];

interface Running { node: PartyNode; app: ApiApp; officer: string; reader: string }

async function start(party: Party, dir: string): Promise<Running> {
  const peers = new Map(AGREEMENT.parties.filter((p) => p.id !== party).map((p) => [p.id, { party: p.id, request: () => Promise.reject(new Error('unreachable in tests')), close: async () => undefined }]));
  const node = await PartyNode.open({
    party, agreement: AGREEMENT, signingKey: exampleParty(AGREEMENT.id, party).key,
    // The example agreement's encryption keys (scripts/example-keys.mjs): bodies sealed to a party open on its node.
    encryptionKeys: [encryptionKeyPair(sha256(utf8(`parley example encryption key: ${party}`)))], store: openSqliteStore(join(dir, `${party}.db`)),
    clock: systemClock, logger: createLogger({ level: 'silent' }), peers,
  });
  const app = await buildApiServer({ node, logger: createLogger({ level: 'silent' }) });
  const officer = (await createToken(node.store, node.clock, 'officer', 'duty-officer')).token;
  const reader = (await createToken(node.store, node.clock, 'reader', 'auditor')).token;
  return { node, app, officer, reader };
}

describe('TLP 2.0 on the TAXII server, level by level', () => {
  const nodes = {} as Record<Party, Running>;
  before(async () => {
    const dir = tempDir();
    for (const p of PARTIES) nodes[p] = await start(p, dir);
  });
  after(async () => {
    for (const p of PARTIES) { await nodes[p].app.close(); await nodes[p].node.store.close(); }
  });

  /** Every node mirrors avalon's whole log, as federation does (sealing bodies is what keeps them from reading it). */
  async function replicate(): Promise<void> {
    const avalon = nodes.avalon.node;
    const all = await avalon.store.statements('avalon', 0, await avalon.store.logSize('avalon'));
    for (const p of ['borduria', 'syldavia'] as const) {
      await nodes[p].node.receiving.push('avalon', 'avalon', { statements: all.map((s) => JSON.parse(s.text) as unknown) });
    }
  }

  async function serves(p: Party, id: string): Promise<boolean> {
    const res = await nodes[p].app.inject({ url: `${ROOT}/collections/avalon/objects/?match[id]=${id}`, headers: taxiiHeaders(nodes[p].reader) });
    assert.equal(res.statusCode, 200);
    return (res.json() as { objects: unknown[] }).objects.length === 1;
  }

  const cases: Array<{ tlp: TlpLevel | undefined; to: string; addressed: string[]; syldavia: boolean }> = [
    { tlp: 'CLEAR', to: '', addressed: ['borduria', 'genovia', 'syldavia', 'thanh-son'], syldavia: true },
    { tlp: 'GREEN', to: '', addressed: ['borduria', 'genovia', 'syldavia', 'thanh-son'], syldavia: true },
    { tlp: undefined, to: '?to=borduria', addressed: ['borduria'], syldavia: false }, // unmarked: AMBER
    { tlp: 'AMBER', to: '?to=borduria', addressed: ['borduria'], syldavia: false },
    { tlp: 'AMBER', to: '', addressed: ['borduria', 'genovia', 'syldavia', 'thanh-son'], syldavia: true },
    { tlp: 'AMBER+STRICT', to: '?to=borduria', addressed: ['borduria'], syldavia: false },
    { tlp: 'RED', to: '?to=borduria', addressed: ['borduria'], syldavia: false },
  ];
  for (const c of cases) {
    it(`${c.tlp ?? 'unmarked'}${c.to ? ` ${c.to}` : ''}: addressed to ${c.addressed.join(', ')}; syldavia ${c.syldavia ? 'sees it' : 'does not'}`, async () => {
      const o = indicator(1, c.tlp ? { tlp: c.tlp } : {});
      const posted = await postObjects(nodes.avalon.app, nodes.avalon.officer, 'avalon', [o], c.to, ROOT);
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      const statement = (await nodes.avalon.node.statementsOfType(['indicators'])).at(-1)!.statement;
      assert.deepEqual(statement.to, c.addressed);
      assert.equal(statement.body!.tlp, c.tlp ?? 'AMBER');
      await replicate();
      assert.equal(await serves('avalon', o.id as string), true, 'the author');
      assert.equal(await serves('borduria', o.id as string), true, 'an addressee');
      assert.equal(await serves('syldavia', o.id as string), c.syldavia, 'a party not addressed');
    });
  }

  it('RED without named recipients, and GREEN with some, are refused before anything is signed', async () => {
    const before = await nodes.avalon.node.store.logSize('avalon');
    assert.equal((await postObjects(nodes.avalon.app, nodes.avalon.officer, 'avalon', [indicator(1, { tlp: 'RED' })], '', ROOT)).body.error, 'tlp.red-recipients');
    assert.equal((await postObjects(nodes.avalon.app, nodes.avalon.officer, 'avalon', [indicator(1, { tlp: 'GREEN' })], '?to=borduria', ROOT)).body.error, 'tlp.addressees');
    assert.equal(await nodes.avalon.node.store.logSize('avalon'), before);
  });
});
