/**
 * The federation server: the node's endpoints for its peers, over mutual TLS pinned by the agreement. A connection
 * whose client certificate the agreement does not pin is cut off after the handshake; a request that still arrives
 * without a pinned peer (it cannot, unless the agreement changed in between) is answered 403.
 */
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { NodeFiles } from '../node/data-dir.js';
import type { PartyNode } from '../node/party-node.js';
import { cutOffUnpinned, federationServerOptions, peerOfSocket } from '../node/pinned-tls.js';
import { buildFederationApp } from './federation-app.js';
import { registerWitnessRoutes } from './witness-routes.js';

export interface FederationServer {
  /** The base URL it listens at (https://host:port). */
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface FederationServerOptions {
  node: PartyNode;
  files: Pick<NodeFiles, 'tls'>;
  host: string;
  /** 0 picks a free port (see `url`). */
  port: number;
}

/** "::1" → "[::1]" in a URL. */
const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export async function startFederationServer(o: FederationServerOptions): Promise<FederationServer> {
  const { node } = o;
  const app = buildFederationApp({
    node,
    peerOf: (request) => peerOfSocket(request.raw.socket as TLSSocket, node.agreement, node.party),
    extraRoutes: [(a) => registerWitnessRoutes(a, node.witnessing)],
    fastify: { https: federationServerOptions(o.files) },
  });
  cutOffUnpinned(app.server as unknown as TlsServer, () => node.agreement, node.party, node.ctx.logger);
  await app.listen({ host: o.host, port: o.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `https://${urlHost(o.host)}:${port}`, app, close: () => app.close() };
}
