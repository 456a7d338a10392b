/**
 * The node's data directory: everything one party's node is, on disk.
 *
 *   DIR/node.json        config (node-config.ts), written by init, human-editable
 *   DIR/signing.key      the party's Ed25519 key, C2SP signer key, 0600
 *   DIR/encryption.key   the party's X25519 keys (bodies sealed to it), newest last, 0600
 *   DIR/tls/key.pem      TLS private key (PKCS#8 PEM), 0600
 *   DIR/tls/cert.pem     self-signed certificate, pinned by the agreement
 *   DIR/agreement.json   the signed agreement, once every party has signed
 *   DIR/parley.db        SQLite database (default driver)
 *
 * Keys are made here and never overwritten: a party that lost its key cannot amend the agreement (docs/agreement.md),
 * so replacing one by accident is the worst thing this module could do.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Agreement } from '../protocol/agreement.js';
import { checkSignedAgreement, type SignedAgreement } from '../protocol/agreement-signature.js';
import { ProtocolError } from '../protocol/errors.js';
import { signingKeyFromSeed, type SigningKey } from '../protocol/keys.js';
import { ED25519_TYPE, formatVerifierKey } from '../protocol/note-key.js';
import { ID_PATTERN } from '../protocol/statement.js';
import { readEncryptionKeys, readKeyFile, readSigningKey, writeEncryptionKeys, writeKeyFile, writeSigningKey } from './key-file.js';
import { encryptionKeyPair, formatEncryptionKey, type EncryptionKeyPair } from '../protocol/encryption-key.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_DATABASE_FILE,
  DEFAULT_FEDERATION_PORT,
  formatNodeConfig,
  NODE_CONFIG_FORMAT,
  parseNodeConfig,
  readNodeConfig,
  type DatabaseConfig,
  type NodeConfig,
} from './node-config.js';
import { certificateFingerprint, checkHostname, createTlsIdentity, DEFAULT_TLS_HOSTNAMES, keyMatchesCertificate } from './tls-identity.js';

/** The files of a data directory, relative to it. */
export const DATA_FILES = {
  config: 'node.json',
  signingKey: 'signing.key',
  encryptionKey: 'encryption.key',
  tlsKey: join('tls', 'key.pem'),
  tlsCert: join('tls', 'cert.pem'),
  agreement: 'agreement.json',
} as const;

export type DataDirProblem =
  | 'usage'
  | 'already-initialized'
  | 'not-initialized'
  | 'key-name'
  | 'tls-mismatch'
  | 'agreement-unreadable'
  | 'agreement-invalid'
  | 'agreement-not-in-force'
  | 'agreement-id'
  | 'party-missing'
  | 'signing-key-mismatch'
  | 'encryption-key-mismatch'
  | 'fingerprint-mismatch'
  | 'agreement-downgrade';

export class DataDirError extends Error {
  constructor(readonly problem: DataDirProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataDirError';
  }
}

/** Who this node is: its config, its key and its certificate, checked against each other. */
export interface NodeIdentity {
  dir: string;
  config: NodeConfig;
  signingKey: SigningKey;
  /** `<agreement id>/<party id>`: the key's name and the own log's origin. */
  keyName: string;
  /** The party's C2SP verifier key: what the agreement lists as its signingKey. */
  vkey: string;
  /** The party's X25519 key pairs, oldest first: the last is the current one. */
  encryptionKeys: EncryptionKeyPair[];
  /** The current public encryption key, base64: what the agreement lists as its encryptionKey. */
  encryptionKey: string;
  tls: { keyPem: string; certPem: string };
  /** SHA-256 of the certificate's DER: what the agreement lists as its tlsFingerprint. */
  fingerprint: string;
}

/** Everything a node needs from its data directory. */
export interface NodeFiles extends NodeIdentity {
  /** The installed agreement (validated: defaults written in), when there is one. */
  agreement?: SignedAgreement;
}

export interface InitOptions {
  dir: string;
  agreementId: string;
  party: string;
  /** Names the certificate is valid for; the first is the federation URL's host. Default: localhost, 127.0.0.1. */
  hostnames?: string[];
  federationHost?: string;
  federationPort?: number;
  /** The URL peers reach this node at. Default: https://<first hostname>:<federation port>. */
  federationUrl?: string;
  apiHost?: string;
  apiPort?: number;
  /** Use PostgreSQL at this URL instead of DIR/parley.db. */
  postgresUrl?: string;
}

export interface InitResult {
  dir: string;
  config: NodeConfig;
  vkey: string;
  /** The X25519 public key, base64: the agreement's encryptionKey for this party. */
  encryptionKey: string;
  fingerprint: string;
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** "::1" → "[::1]": an IPv6 literal in a URL is bracketed. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function configFor(opts: InitOptions, hostnames: string[]): NodeConfig {
  const federationPort = opts.federationPort ?? DEFAULT_FEDERATION_PORT;
  const database: DatabaseConfig = opts.postgresUrl !== undefined ? { driver: 'postgres', url: opts.postgresUrl } : { driver: 'sqlite', file: DEFAULT_DATABASE_FILE };
  // Validated like a hand-edited file, so that init never writes a node.json the node would refuse to start with.
  return parseNodeConfig({
    format: NODE_CONFIG_FORMAT,
    agreement: opts.agreementId,
    party: opts.party,
    federation: { host: opts.federationHost ?? '0.0.0.0', port: federationPort, url: opts.federationUrl ?? `https://${urlHost(hostnames[0]!)}:${federationPort}` },
    api: { host: opts.apiHost ?? '127.0.0.1', port: opts.apiPort ?? DEFAULT_API_PORT },
    database,
  });
}

async function refuseExistingIdentity(dir: string): Promise<void> {
  for (const file of [DATA_FILES.config, DATA_FILES.signingKey, DATA_FILES.encryptionKey, DATA_FILES.tlsKey, DATA_FILES.tlsCert]) {
    const path = join(dir, file);
    if (await exists(path)) {
      throw new DataDirError('already-initialized', `${path} already exists: ${dir} is already a node's data directory; refusing to overwrite its keys (choose another directory, or move this one away)`);
    }
  }
}

/**
 * Makes a new data directory: a fresh Ed25519 key from the operating system's randomness, a TLS key and
 * self-signed certificate, and node.json (written last, so that a directory without it is an unfinished init).
 */
export async function initDataDir(opts: InitOptions): Promise<InitResult> {
  for (const [what, id] of [['agreement id', opts.agreementId], ['party id', opts.party]] as const) {
    if (!ID_PATTERN.test(id)) throw new DataDirError('usage', `${JSON.stringify(id)} is not a valid ${what} (lowercase letters, digits and hyphens, starting with a letter)`);
  }
  const dir = resolve(opts.dir);
  const hostnames = opts.hostnames && opts.hostnames.length > 0 ? opts.hostnames : [...DEFAULT_TLS_HOSTNAMES];
  hostnames.forEach(checkHostname);
  const config = configFor(opts, hostnames);
  await refuseExistingIdentity(dir);
  const tlsIdentity = await createTlsIdentity({ hostnames });

  await mkdir(join(dir, 'tls'), { recursive: true, mode: 0o700 });
  const keyName = `${opts.agreementId}/${opts.party}`;
  const signingKey = signingKeyFromSeed(randomBytes(32));
  await writeSigningKey(join(dir, DATA_FILES.signingKey), keyName, signingKey);
  const encryption = encryptionKeyPair(randomBytes(32));
  await writeEncryptionKeys(join(dir, DATA_FILES.encryptionKey), keyName, [encryption]);
  await writeKeyFile(join(dir, DATA_FILES.tlsKey), tlsIdentity.keyPem);
  await writeFile(join(dir, DATA_FILES.tlsCert), tlsIdentity.certPem, { flag: 'wx', mode: 0o644 });
  // 0600: node.json may hold a database password.
  await writeFile(join(dir, DATA_FILES.config), formatNodeConfig(config), { flag: 'wx', mode: 0o600 });
  const vkey = formatVerifierKey(keyName, ED25519_TYPE, signingKey.publicKey.raw);
  return { dir, config, vkey, encryptionKey: formatEncryptionKey(encryption.publicKey), fingerprint: tlsIdentity.fingerprint };
}

async function readIdentity(dirArg: string): Promise<NodeIdentity> {
  const dir = resolve(dirArg);
  const configPath = join(dir, DATA_FILES.config);
  if (!(await exists(configPath))) throw new DataDirError('not-initialized', `${dir} is not a node's data directory (no ${DATA_FILES.config}): run \`parley init --data ${dirArg} …\` first`);
  const config = await readNodeConfig(configPath);
  const keyName = `${config.agreement}/${config.party}`;
  const signer = await readSigningKey(join(dir, DATA_FILES.signingKey));
  if (signer.name !== keyName) {
    throw new DataDirError('key-name', `${join(dir, DATA_FILES.signingKey)} holds the key "${signer.name}", but node.json says this node is "${keyName}" (agreement/party)`);
  }
  const encryptionKeys = await readEncryptionKeys(join(dir, DATA_FILES.encryptionKey), keyName);
  const keyPem = await readKeyFile(join(dir, DATA_FILES.tlsKey));
  const certPem = await readFile(join(dir, DATA_FILES.tlsCert), 'utf8');
  if (!keyMatchesCertificate(keyPem, certPem)) {
    throw new DataDirError('tls-mismatch', `${join(dir, DATA_FILES.tlsKey)} is not the private key of ${join(dir, DATA_FILES.tlsCert)}`);
  }
  const vkey = formatVerifierKey(keyName, ED25519_TYPE, signer.signingKey.publicKey.raw);
  const encryptionKey = formatEncryptionKey(encryptionKeys.at(-1)!.publicKey);
  return { dir, config, signingKey: signer.signingKey, keyName, vkey, encryptionKeys, encryptionKey, tls: { keyPem, certPem }, fingerprint: certificateFingerprint(certPem) };
}

/** The agreement, checked to be in force and to list this node's key and certificate for its party. */
function checkAgreementFor(signed: unknown, me: NodeIdentity): SignedAgreement {
  let status;
  try {
    status = checkSignedAgreement(signed as SignedAgreement);
  } catch (e) {
    if (e instanceof ProtocolError) throw new DataDirError('agreement-invalid', `the agreement is not valid: ${e.rule}: ${e.message}`, { cause: e });
    throw e;
  }
  const a: Agreement = status.agreement;
  if (!status.inForce) throw new DataDirError('agreement-not-in-force', `agreement "${a.id}" version ${a.version} is not in force yet: no signature from ${status.missing.join(', ')}`);
  if (a.id !== me.config.agreement) throw new DataDirError('agreement-id', `this is agreement "${a.id}", but this node is for agreement "${me.config.agreement}" (node.json)`);
  const entry = a.parties.find((p) => p.id === me.config.party);
  if (!entry) throw new DataDirError('party-missing', `agreement "${a.id}" has no party "${me.config.party}" (its parties: ${a.parties.map((p) => p.id).join(', ')})`);
  if (entry.signingKey !== me.vkey) {
    throw new DataDirError('signing-key-mismatch', `agreement "${a.id}" lists for "${entry.id}" the signing key\n  ${entry.signingKey}\nbut this node's key is\n  ${me.vkey}`);
  }
  // Any of the node's keys: after a rotation the agreement still names the first one, which the node keeps.
  if (!me.encryptionKeys.some((k) => formatEncryptionKey(k.publicKey) === entry.encryptionKey)) {
    throw new DataDirError('encryption-key-mismatch', `agreement "${a.id}" lists for "${entry.id}" the encryption key\n  ${entry.encryptionKey}\nbut this node's key is\n  ${me.encryptionKey}`);
  }
  if (entry.tlsFingerprint !== me.fingerprint) {
    throw new DataDirError('fingerprint-mismatch', `agreement "${a.id}" lists for "${entry.id}" the TLS fingerprint\n  ${entry.tlsFingerprint}\nbut this node's certificate has\n  ${me.fingerprint}`);
  }
  return { ...(signed as SignedAgreement), agreement: a };
}

async function readInstalledAgreement(me: NodeIdentity): Promise<SignedAgreement | undefined> {
  const path = join(me.dir, DATA_FILES.agreement);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError('agreement-unreadable', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataDirError('agreement-unreadable', `${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  try {
    return checkAgreementFor(value, me);
  } catch (e) {
    if (e instanceof DataDirError) throw new DataDirError(e.problem, `${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Reads and cross-checks a data directory: the config, the key named for its agreement and party, the TLS key
 * matching the certificate, and the agreement (if installed) listing exactly this key and certificate.
 */
export async function openDataDir(dir: string): Promise<NodeFiles> {
  const me = await readIdentity(dir);
  const agreement = await readInstalledAgreement(me);
  return agreement ? { ...me, agreement } : me;
}

/**
 * Installs a signed agreement (or a newer version of it) as DIR/agreement.json, after checking that every party
 * signed it and that it lists this node's key and certificate for its party. Returns the installed agreement.
 */
export async function installAgreement(dir: string, signed: unknown): Promise<SignedAgreement> {
  const me = await readIdentity(dir);
  const checked = checkAgreementFor(signed, me);
  // An installed file that no longer checks out (e.g. copied in by hand) is what this call is there to replace.
  const installed = await readInstalledAgreement(me).catch(() => undefined);
  // Going back to an earlier version would undo an amendment every party signed.
  if (installed && installed.agreement.version > checked.agreement.version) {
    throw new DataDirError('agreement-downgrade', `version ${installed.agreement.version} of agreement "${checked.agreement.id}" is installed; refusing to go back to version ${checked.agreement.version}`);
  }
  const path = join(me.dir, DATA_FILES.agreement);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(signed, null, 2) + '\n', { flag: 'wx', mode: 0o644 });
    await rename(temp, path); // atomic: a reader sees the old agreement or the new one, never half of one
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  return checked;
}

/** The database config with a SQLite file resolved against the data directory (node.json may give it relative). */
export function databaseOf(files: Pick<NodeFiles, 'dir' | 'config'>): DatabaseConfig {
  const db = files.config.database;
  if (db.driver !== 'sqlite' || isAbsolute(db.file)) return db;
  return { driver: 'sqlite', file: join(files.dir, db.file) };
}
