import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { consistencyPath, inclusionPath, checkpointPath, pushPath, statementsPath } from '../../src/federation/paths.js';
import { startFederationServer, type FederationServer } from '../../src/federation/server.js';
import { systemClock } from '../../src/node/clock.js';
import { initDataDir, openDataDir, type NodeFiles } from '../../src/node/data-dir.js';
import type { PeerTransport } from '../../src/node/node-context.js';
import { PartyNode } from '../../src/node/party-node.js';
import { PeerClient } from '../../src/node/peer-client.js';
import { openCheckpoint } from '../../src/protocol/checkpoint.js';
import { fromBase64 } from '../../src/protocol/encoding.js';
import { verifyConsistency, verifyInclusion } from '../../src/protocol/merkle.js';
import { makeAgreement, AGREEMENT_ID } from '../support/case-builder.js';
import { tempDir } from '../support/temp.js';
import { testNet, until } from '../node/core-network.js';
import { MemoryStore } from '../node/core-memory-store.js';

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('federation over pinned mutual TLS', () => {
  it('delivers a statement and its receipt between two nodes, and cuts off a client the agreement does not pin', async () => {
    const parties = ['avalon', 'borduria'];
    const files = new Map<string, NodeFiles>();
    const ports = new Map<string, number>();
    for (const party of parties) {
      const dir = join(tempDir(), party);
      await initDataDir({ dir, agreementId: AGREEMENT_ID, party });
      files.set(party, await openDataDir(dir));
      ports.set(party, await freePort());
    }
    const agreement = makeAgreement(parties);
    for (const p of agreement.parties) {
      const f = files.get(p.id)!;
      Object.assign(p, { signingKey: f.vkey, tlsFingerprint: f.fingerprint, node: `https://127.0.0.1:${ports.get(p.id)}` });
    }
    const nodes: PartyNode[] = [];
    const servers: FederationServer[] = [];
    const transports: PeerTransport[] = [];
    try {
      for (const party of parties) {
        const f = files.get(party)!;
        const peers = new Map(agreement.parties.filter((p) => p.id !== party).map((p) => {
          const client = new PeerClient({ party: p.id, baseUrl: p.node, fingerprint: p.tlsFingerprint, tls: f.tls, timeoutMs: 5000 });
          transports.push(client);
          return [p.id, client as PeerTransport];
        }));
        const node = await PartyNode.open({ party, agreement, signingKey: f.signingKey, store: new MemoryStore(), clock: systemClock, logger: pino({ level: 'silent' }), peers });
        nodes.push(node);
        servers.push(await startFederationServer({ node, files: f, host: '127.0.0.1', port: ports.get(party)! }));
        await node.start();
      }
      const [avalon, borduria] = nodes as [PartyNode, PartyNode];
      const sent = await avalon.send(check());
      await until('avalon holds borduria\'s receipt', async () => (await avalon.store.receipts('avalon', 0)).length === 1);
      assert.equal(borduria.ctx.tree('avalon').size, 1);
      assert.equal((await borduria.store.statement('avalon', 0))?.hash, sent.hash);
      await until('borduria cosigned avalon\'s checkpoint', async () => (await avalon.store.cosignatures('avalon', 1)).length === 1);

      // A client with a certificate of its own, not pinned by the agreement: no answer at all.
      const strangerDir = join(tempDir(), 'stranger');
      await initDataDir({ dir: strangerDir, agreementId: AGREEMENT_ID, party: 'stranger' });
      const stranger = new PeerClient({ party: 'avalon', baseUrl: servers[0]!.url, fingerprint: files.get('avalon')!.fingerprint, tls: (await openDataDir(strangerDir)).tls });
      transports.push(stranger);
      await assert.rejects(stranger.request({ method: 'GET', path: statementsPath('avalon', 0, 10) }));
    } finally {
      for (const n of nodes) await n.stop();
      for (const s of servers) await s.close();
      for (const t of transports) await t.close();
    }
  });
});

describe('federation endpoints', () => {
  it('refuses a caller without a pinned certificate, unknown logs and malformed pushes with 4xx JSON', async () => {
    const net = await testNet(['avalon', 'borduria']);
    try {
      const noCaller = await net.inject('borduria', undefined, 'GET', statementsPath('avalon', 0, 10));
      assert.equal(noCaller.statusCode, 403);
      assert.equal(noCaller.json().error, 'peer.unpinned');
      const unknown = await net.inject('borduria', 'avalon', 'GET', statementsPath('zembla', 0, 10));
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error, 'log.unknown');
      const notJson = await net.apps.get('borduria')!.inject({ method: 'POST', url: pushPath('avalon'), payload: '{"statements": [', headers: { 'content-type': 'application/json', 'x-test-caller': 'avalon' } });
      assert.equal(notJson.statusCode, 400);
      assert.ok(typeof notJson.json().error === 'string' && typeof notJson.json().message === 'string');
      const noList = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), { statement: [] });
      assert.equal(noList.statusCode, 400);
      assert.equal(noList.json().error, 'push.body');
      const badField = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), { statements: [{ v: 1, agreement: AGREEMENT_ID, author: 'avalon', index: -1 }] });
      assert.equal(badField.statusCode, 400);
      assert.equal(badField.json().error, 'statement.index');
      const huge = await net.inject('borduria', 'avalon', 'POST', pushPath('avalon'), { statements: [], pad: 'x'.repeat(9 * 1024 * 1024) });
      assert.equal(huge.statusCode, 413);
      const route = await net.inject('borduria', 'avalon', 'GET', '/v1/nothing');
      assert.equal(route.statusCode, 404);
      assert.equal(route.json().error, 'route.unknown');
    } finally {
      await net.close();
    }
  });

  it('serves ranges, the checkpoint and proofs that verify against it, and refuses impossible sizes', async () => {
    const net = await testNet(['avalon', 'borduria']);
    try {
      const avalon = net.node('avalon');
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await avalon.send(check()));
      await avalon.checkpointNow();
      await until('borduria mirrors avalon\'s log', () => net.node('borduria').ctx.tree('avalon').size === 5);

      for (const holder of ['avalon', 'borduria']) {
        const caller = holder === 'avalon' ? 'borduria' : 'avalon';
        const range = await net.inject(holder, caller, 'GET', statementsPath('avalon', 1, 2));
        assert.equal(range.statusCode, 200);
        assert.deepEqual(range.json().statements.map((s: { index: number }) => s.index), [1, 2]);
      }

      const cp = await net.inject('avalon', 'borduria', 'GET', checkpointPath('avalon'));
      assert.equal(cp.statusCode, 200);
      const opened = openCheckpoint(cp.body, net.agreement.parties[0]!.signingKey);
      assert.equal(opened.checkpoint.size, 5);

      const lines = (body: string) => body.split('\n').filter((l) => l !== '').map((l) => fromBase64(l));
      const inclusion = await net.inject('avalon', 'borduria', 'GET', inclusionPath('avalon', 3, 5));
      assert.equal(inclusion.statusCode, 200);
      verifyInclusion(sent[3]!.leafHash, 3, 5, lines(inclusion.body), opened.checkpoint.root);
      const consistency = await net.inject('avalon', 'borduria', 'GET', consistencyPath('avalon', 2, 5));
      assert.equal(consistency.statusCode, 200);
      const root2 = avalon.ctx.tree('avalon').root(2);
      verifyConsistency(2, 5, root2, opened.checkpoint.root, lines(consistency.body));

      for (const path of [consistencyPath('avalon', 4, 3), consistencyPath('avalon', 1, 6), inclusionPath('avalon', 5, 5), '/v1/logs/avalon/inclusion?index=x&size=2']) {
        const res = await net.inject('avalon', 'borduria', 'GET', path);
        assert.equal(res.statusCode, 400, path);
      }
    } finally {
      await net.close();
    }
  });
});
