/**
 * Mutual TLS pinned by the agreement, on loopback between real identities made by init: the pinned peer is served
 * and recognised; anyone else is cut off before the HTTP layer reads a byte; and a client refuses a server that is
 * not the pinned peer before sending one.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import { connect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { connect as tcpConnect, createServer as createTcpServer, type Socket } from 'node:net';
import { cutOffUnpinned, federationServerOptions, peerOfSocket } from '../../src/node/pinned-tls.js';
import { PeerClient, PeerResponseError, PeerUnreachableError, UnpinnedPeerError } from '../../src/node/peer-client.js';
import { createTlsIdentity, type TlsIdentity } from '../../src/node/tls-identity.js';
import type { NodeFiles } from '../../src/node/data-dir.js';
import type { AddressInfo } from 'node:net';
import type { Agreement } from '../../src/protocol/agreement.js';
import { twoParties } from './identity-fixtures.js';

let avalon: NodeFiles;
let borduria: NodeFiles;
let agreement: Agreement;
let stranger: TlsIdentity;
/** Avalon's federation endpoint: answers with the party it recognised, and counts the requests it saw. */
let server: Server;
let baseUrl: string;
let requestsSeen = 0;
const cutOff: Array<Record<string, unknown>> = [];
const clients: PeerClient[] = [];

function client(opts: Partial<ConstructorParameters<typeof PeerClient>[0]> = {}): PeerClient {
  const c = new PeerClient({ party: 'avalon', baseUrl, fingerprint: avalon.fingerprint, tls: borduria.tls, timeoutMs: 5000, ...opts });
  clients.push(c);
  return c;
}

/** A TCP proxy to a local port that counts the bytes each connection sends (client to server). */
async function countingProxy(target: number) {
  const totals: Array<Promise<number>> = [];
  const sockets = new Set<Socket>();
  const proxy = createTcpServer((inbound) => {
    let sent = 0;
    const outbound = tcpConnect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) sockets.add(s);
    inbound.on('data', (d: Buffer) => (sent += d.length));
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.on('close', () => outbound.destroy());
    totals.push(once(inbound, 'close').then(() => sent));
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    port: (proxy.address() as AddressInfo).port,
    /** What connection number `i` sent in all, once it closed. */
    async sent(i: number): Promise<number> {
      while (totals[i] === undefined) await new Promise((r) => setImmediate(r));
      return totals[i]!;
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      proxy.close();
    },
  };
}

before(async () => {
  ({ avalon, borduria, signed: { agreement } } = await twoParties());
  stranger = await createTlsIdentity();
  server = createHttpsServer(federationServerOptions(avalon), (req, res) => {
    requestsSeen++;
    const peer = peerOfSocket(req.socket as TLSSocket, agreement, 'avalon');
    if (req.url === '/not-json') return void res.end('plain text');
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ peer: peer ?? null, path: req.url }));
  });
  cutOffUnpinned(server, () => agreement, 'avalon', { warn: (fields) => void cutOff.push(fields) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.close();
  server.closeAllConnections();
  await Promise.all(clients.map((c) => c.close()));
});

describe('pinned mutual TLS', () => {
  test('the pinned peer is served, and the server knows which party it is', async () => {
    const res = await client().request({ method: 'GET', path: '/v1/checkpoints' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { peer: 'borduria', path: '/v1/checkpoints' });
  });

  test('json() parses a 2xx answer and refuses an error status or a body that is not JSON', async () => {
    const c = client();
    assert.deepEqual(await c.json<{ peer: string }>({ method: 'POST', path: '/x', body: '{}', contentType: 'application/json' }), { peer: 'borduria', path: '/x' });
    await assert.rejects(c.json({ method: 'GET', path: '/missing' }), (e) => e instanceof PeerResponseError && e.status === 404);
    await assert.rejects(c.json({ method: 'GET', path: '/not-json' }), (e) => e instanceof PeerResponseError && e.status === 200);
  });

  test('a base URL with a path prefixes every request path', async () => {
    const res = await client({ baseUrl: `${baseUrl}/parley/` }).request({ method: 'GET', path: '/v1/checkpoints' });
    assert.equal(JSON.parse(res.text).path, '/parley/v1/checkpoints');
  });

  test('a client whose certificate the agreement does not pin is cut off before sending a request', async () => {
    const before = requestsSeen;
    const logged = cutOff.length;
    await assert.rejects(client({ tls: stranger }).request({ method: 'GET', path: '/v1/checkpoints' }), PeerUnreachableError);
    assert.equal(requestsSeen, before, 'the request reached the HTTP handler');
    assert.equal(cutOff.length, logged + 1);
    assert.equal(cutOff.at(-1)!.fingerprint, stranger.fingerprint);
  });

  test('a client presenting no certificate at all is cut off', async () => {
    const before = requestsSeen;
    const req = httpsRequest(`${baseUrl}/v1/checkpoints`, { rejectUnauthorized: false });
    req.end();
    const [error] = (await once(req, 'error')) as [NodeJS.ErrnoException];
    assert.match(String(error.code), /ECONNRESET|EPIPE/);
    assert.equal(requestsSeen, before);
    assert.equal(cutOff.at(-1)!.fingerprint, null);
  });

  test("a client presenting the server's own certificate is not a peer", async () => {
    const before = requestsSeen;
    await assert.rejects(client({ tls: avalon.tls }).request({ method: 'GET', path: '/' }), PeerUnreachableError);
    assert.equal(requestsSeen, before);
  });

  test('an amended agreement pinning another certificate applies to the next connection', async () => {
    const amended = structuredClone(agreement);
    amended.parties.find((p) => p.id === 'borduria')!.tlsFingerprint = stranger.fingerprint;
    const original = agreement;
    agreement = amended;
    try {
      const res = await client({ tls: stranger }).request({ method: 'GET', path: '/' });
      assert.equal(JSON.parse(res.text).peer, 'borduria');
      await assert.rejects(client().request({ method: 'GET', path: '/' }), PeerUnreachableError);
    } finally {
      agreement = original;
    }
  });
});

describe('PeerClient pins the server', () => {
  test('a server other than the pinned one is refused before a single request byte is sent', async () => {
    // Through a TCP proxy that counts what each connection sends towards Avalon's server.
    const proxy = await countingProxy((server.address() as AddressInfo).port);
    try {
      const via = `https://localhost:${proxy.port}`;
      const body = 'secret statements '.repeat(100);
      // What a handshake alone sends: connect with Borduria's certificate, and hang up as soon as it completes.
      const handshake = connect({ host: '127.0.0.1', port: proxy.port, key: borduria.tls.keyPem, cert: borduria.tls.certPem, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
      await once(handshake, 'secureConnect');
      handshake.destroy();
      const handshakeOnly = await proxy.sent(0);
      // Pinned to Borduria's fingerprint, the client finds Avalon's certificate and must not send the request.
      const c = client({ party: 'borduria', baseUrl: via, fingerprint: borduria.fingerprint });
      await assert.rejects(c.request({ method: 'POST', path: '/v1/logs/borduria/statements', body }), (e) => {
        assert.ok(e instanceof UnpinnedPeerError, String(e));
        assert.equal(e.presented, avalon.fingerprint);
        assert.equal(e.expected, borduria.fingerprint);
        return true;
      });
      const refused = await proxy.sent(1);
      // The same request to the right server, so that we know the proxy would have seen it.
      const pinned = client({ baseUrl: via });
      await pinned.request({ method: 'POST', path: '/v1/logs/borduria/statements', body });
      await pinned.close();
      const accepted = await proxy.sent(2);
      assert.ok(accepted > handshakeOnly + body.length, `an accepted request sends its body (${accepted} vs ${handshakeOnly} bytes)`);
      assert.ok(refused < handshakeOnly + body.length / 2, `the refused connection sent ${refused} bytes, a bare handshake ${handshakeOnly}`);
    } finally {
      await proxy.close();
    }
  });

  test('a peer that does not answer is unreachable', async () => {
    const closedServer = createTlsServer(federationServerOptions(avalon));
    closedServer.listen(0, '127.0.0.1');
    await once(closedServer, 'listening');
    const port = (closedServer.address() as AddressInfo).port;
    closedServer.close();
    await once(closedServer, 'close');
    await assert.rejects(client({ baseUrl: `https://127.0.0.1:${port}` }).request({ method: 'GET', path: '/' }), (e) => {
      assert.ok(e instanceof PeerUnreachableError, String(e));
      assert.match(e.message, /avalon .* is unreachable/);
      return true;
    });
  });

  test('closing twice is harmless', async () => {
    const c = client();
    await c.request({ method: 'GET', path: '/' });
    await c.close();
    await c.close();
  });

  test('refuses a node URL that is not https, and a fingerprint that is not one', () => {
    assert.throws(() => new PeerClient({ party: 'avalon', baseUrl: 'http://localhost:1', fingerprint: avalon.fingerprint, tls: borduria.tls }), /https/);
    assert.throws(() => new PeerClient({ party: 'avalon', baseUrl, fingerprint: 'AB'.repeat(32), tls: borduria.tls }), /64 lowercase hex/);
  });
});
