/**
 * Mutual TLS pinned by the agreement. There is no certificate authority: every party signed the agreement, which
 * lists each node's certificate fingerprint, so a peer is whoever presents a certificate with one of those
 * fingerprints — and nobody else gets to send a single request. The TLS stack is told not to verify chains
 * (rejectUnauthorized: false, as there is no CA to verify against); the fingerprint check below replaces that.
 */
import type { ServerOptions } from 'node:https';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Agreement } from '../protocol/agreement.js';
import type { NodeFiles } from './data-dir.js';
import { certificateFingerprint } from './tls-identity.js';

/** The https server options of a federation endpoint: this node's certificate, and every client asked for one. */
export function federationServerOptions(files: Pick<NodeFiles, 'tls'>): ServerOptions {
  return {
    key: files.tls.keyPem,
    cert: files.tls.certPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  };
}

/** Fingerprints of the certificates presented on open connections (TLS 1.3 only: no renegotiation changes them). */
const fingerprints = new WeakMap<TLSSocket, string>();

/**
 * The fingerprint of the certificate the other end presented, or undefined if it presented none. Computed once per
 * connection (the handshake's check and every request on a keep-alive connection ask it): reading the certificate
 * and hashing it costs about as much as routing the request.
 */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  const known = fingerprints.get(socket);
  if (known !== undefined) return known;
  const raw = socket.getPeerCertificate(true)?.raw;
  if (!raw || raw.length === 0) return undefined;
  const fingerprint = certificateFingerprint(raw);
  fingerprints.set(socket, fingerprint);
  return fingerprint;
}

/**
 * The party whose pinned certificate the client presented, or undefined. `self` (this node's party) is never a
 * peer: a client presenting our own certificate holds our private key, or is us, and neither should be served
 * as a peer.
 */
export function peerOfSocket(socket: TLSSocket, agreement: Agreement, self?: string): string | undefined {
  const fingerprint = peerFingerprint(socket);
  if (fingerprint === undefined) return undefined;
  return agreement.parties.find((p) => p.id !== self && p.tlsFingerprint === fingerprint)?.id;
}

/** The log line when a client is cut off; pino's `warn(object, message)` fits. */
export interface CutOffLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Destroys every connection whose client certificate is not pinned by the agreement, as soon as the handshake
 * completes and before the HTTP layer reads anything: an unpinned client cannot even send a request.
 * `agreement` is a function so that an installed amendment (new fingerprints) applies to the next connection.
 */
export function cutOffUnpinned(server: TlsServer, agreement: () => Agreement, self: string, log?: CutOffLogger): void {
  // Prepended, so that it runs before the https server hands the socket to its HTTP parser.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    if (peerOfSocket(socket, agreement(), self) !== undefined) return;
    log?.warn(
      { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, fingerprint: peerFingerprint(socket) ?? null },
      'federation: refused a connection whose client certificate is not pinned by the agreement',
    );
    socket.destroy();
  });
}
