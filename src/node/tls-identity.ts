/**
 * The node's TLS identity: an ECDSA P-256 key and a self-signed certificate. There is no certificate authority in
 * Parley: the agreement pins each node's certificate by the SHA-256 of its DER (parties[].tlsFingerprint), signed
 * by every party. So the certificate only has to be acceptable to TLS stacks — browsers and curl, given it as a
 * trusted certificate — and its fingerprint is what identifies the node.
 */
import { createHash, createPrivateKey, webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
// Must come before @peculiar/x509, whose dependency injection (tsyringe) needs the Reflect metadata API at import.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface TlsIdentity {
  /** PKCS#8 PEM: a secret, kept 0600. */
  keyPem: string;
  certPem: string;
  /** 64 lowercase hex digits: SHA-256 of the certificate's DER. */
  fingerprint: string;
}

export interface TlsIdentityOptions {
  /** DNS names and IP addresses the certificate is valid for (subjectAltName). Default: localhost and 127.0.0.1. */
  hostnames?: string[];
  /** The certificate's common name (informational). Default: the first hostname. */
  commonName?: string;
  /** Start of validity. Default: now. */
  notBefore?: Date;
}

export class TlsIdentityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsIdentityError';
  }
}

export const DEFAULT_TLS_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1'];
const VALIDITY_YEARS = 10;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const crypto = webcrypto;

/** An IPv4 or IPv6 literal (IPv6 possibly in URL brackets) goes into an IP name, anything else into a DNS name. */
function subjectAltName(host: string): { type: 'ip' | 'dns'; value: string } {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? { type: 'ip', value: bare } : { type: 'dns', value: host };
}

/** Throws TlsIdentityError for anything but a DNS name or an IP address (no scheme, port or path). */
export function checkHostname(host: string): void {
  const { type, value } = subjectAltName(host);
  // RFC 1123 labels, plus a leading "*." wildcard; no ports, schemes or paths.
  if (type === 'dns' && !/^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value)) {
    throw new TlsIdentityError(`"${host}" is not a hostname or IP address (no scheme, port or path)`);
  }
}

function commonNameText(name: string): string {
  // A distinguished name string would need escaping for ",+=" etc.; hostnames have none of those, checked above.
  return `CN=${name}, O=Parley node`;
}

/** A new key and a self-signed certificate valid for ten years for `hostnames`. */
export async function createTlsIdentity(options: TlsIdentityOptions = {}): Promise<TlsIdentity> {
  const hostnames = options.hostnames && options.hostnames.length > 0 ? options.hostnames : [...DEFAULT_TLS_HOSTNAMES];
  hostnames.forEach(checkHostname);
  const commonName = options.commonName ?? hostnames[0]!;
  checkHostname(commonName);
  const notBefore = options.notBefore ?? new Date();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);

  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // 16 random bytes, the first nibble fixed to 1: a positive DER integer of minimal encoding (RFC 5280 4.1.2.2).
      serialNumber: '1' + Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').slice(1),
      name: commonNameText(commonName),
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        // An end entity, not a CA; no keyUsage, so OpenSSL still treats it as self-signed when it is the trust anchor.
        new x509.BasicConstraintsExtension(false, undefined, true),
        // Both: the same certificate serves the federation endpoint and authenticates this node to its peers.
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(hostnames.map(subjectAltName)),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n';
  const certPem = cert.toString('pem') + '\n';
  return { keyPem, certPem, fingerprint: certificateFingerprint(new Uint8Array(cert.rawData)) };
}

/** SHA-256 of the certificate's DER, 64 lowercase hex digits: what the agreement pins (parties[].tlsFingerprint). */
export function certificateFingerprint(cert: string | Uint8Array): string {
  let der: Uint8Array;
  if (typeof cert === 'string') {
    try {
      der = new NodeX509Certificate(cert).raw;
    } catch (e) {
      throw new TlsIdentityError(`not a PEM certificate: ${(e as Error).message}`, { cause: e });
    }
  } else {
    der = cert;
  }
  return createHash('sha256').update(der).digest('hex');
}

/** Whether `keyPem` is the private key of the certificate `certPem`. */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  try {
    return new NodeX509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
