/**
 * The client side of the federation: one PeerClient per peer, talking mutual TLS pinned by the agreement.
 * It presents this node's certificate, and before any request byte is sent it checks that the server's
 * certificate is the one the agreement pins for that peer — a server that is not the peer learns nothing, not
 * even which path we were about to ask for.
 */
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { PeerRequest, PeerResponse, PeerTransport } from './node-context.js';
import { peerFingerprint } from './pinned-tls.js';

export interface PeerClientOptions {
  /** The peer's party id. */
  party: string;
  /** The peer's federation base URL (the agreement's parties[].node), https. */
  baseUrl: string;
  /** The peer's pinned certificate fingerprint (the agreement's parties[].tlsFingerprint). */
  fingerprint: string;
  /** This node's certificate and key, presented to the peer. */
  tls: { keyPem: string; certPem: string };
  /** Connect, headers and body timeouts. Default 10 s. */
  timeoutMs?: number;
}

/** The peer could not be reached: refused, reset, timed out, unresolvable. Worth retrying later. */
export class PeerUnreachableError extends Error {
  constructor(readonly party: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerUnreachableError';
  }
}

/** The server presented a certificate other than the one pinned for the peer: nothing was sent to it. */
export class UnpinnedPeerError extends Error {
  constructor(readonly party: string, readonly expected: string, readonly presented: string | undefined, message: string) {
    super(message);
    this.name = 'UnpinnedPeerError';
  }
}

/** The peer answered, but not with what json() expects: an error status, or not JSON. */
export class PeerResponseError extends Error {
  constructor(readonly party: string, readonly status: number, readonly body: string, message: string) {
    super(message);
    this.name = 'PeerResponseError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const FINGERPRINT = /^[0-9a-f]{64}$/;

/** A connector that fails the connection unless the server's certificate has the pinned fingerprint. */
function pinnedConnector(opts: PeerClientOptions, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({
    key: opts.tls.keyPem,
    cert: opts.tls.certPem,
    rejectUnauthorized: false, // no CA: the fingerprint check below is the verification
    minVersion: 'TLSv1.3',
    timeout: timeoutMs,
    // No session resumption: every connection proves the pinned certificate in a full handshake.
    maxCachedSessions: 0,
  });
  return (options, callback) => {
    connect(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const presented = 'getPeerCertificate' in socket ? peerFingerprint(socket as TLSSocket) : undefined;
      if (presented === opts.fingerprint) return callback(null, socket);
      socket.destroy();
      callback(
        new UnpinnedPeerError(
          opts.party,
          opts.fingerprint,
          presented,
          `${opts.baseUrl} is not ${opts.party}'s node: it presented a certificate with fingerprint ${presented ?? '(none)'}, the agreement pins ${opts.fingerprint}`,
        ),
        null,
      );
    });
  };
}

/** The innermost cause: undici wraps connector errors in some paths. */
function unpinnedCause(e: unknown): UnpinnedPeerError | undefined {
  for (let c: unknown = e; c instanceof Error; c = c.cause) if (c instanceof UnpinnedPeerError) return c;
  return undefined;
}

export class PeerClient implements PeerTransport {
  readonly party: string;
  private readonly origin: string;
  /** The base URL's path, without a final slash, prefixed to every request path. */
  private readonly prefix: string;
  private readonly agent: Agent;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: PeerClientOptions) {
    this.party = opts.party;
    const url = new URL(opts.baseUrl);
    if (url.protocol !== 'https:') throw new TypeError(`peer ${opts.party}: the node URL must be https, got ${opts.baseUrl}`);
    if (!FINGERPRINT.test(opts.fingerprint)) throw new TypeError(`peer ${opts.party}: the fingerprint must be 64 lowercase hex digits`);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.agent = new Agent({ connect: pinnedConnector(opts, timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  /** Any HTTP status resolves; rejects with UnpinnedPeerError or PeerUnreachableError. */
  async request(req: PeerRequest): Promise<PeerResponse> {
    const headers: Record<string, string> = {};
    if (req.contentType) headers['content-type'] = req.contentType;
    if (req.accept) headers.accept = req.accept;
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path: this.prefix + req.path,
        method: req.method,
        headers,
        body: req.body ?? null,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (e) {
      const unpinned = unpinnedCause(e);
      if (unpinned) throw unpinned;
      throw new PeerUnreachableError(this.party, `${this.party} (${this.opts.baseUrl}) is unreachable: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A request whose answer must be 2xx JSON; anything else is a PeerResponseError. */
  async json<T>(req: PeerRequest): Promise<T> {
    const res = await this.request({ accept: 'application/json', ...req });
    if (res.status < 200 || res.status > 299) {
      throw new PeerResponseError(this.party, res.status, res.text, `${this.party} answered ${req.method} ${req.path} with ${res.status}: ${res.text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new PeerResponseError(this.party, res.status, res.text, `${this.party} answered ${req.method} ${req.path} with a body that is not JSON`);
    }
  }

  /** Closes the connections; closing again is harmless (the node and its tests may both close a transport). */
  async close(): Promise<void> {
    if (this.closing === undefined) this.closing = this.agent.close();
    await this.closing;
  }
}
