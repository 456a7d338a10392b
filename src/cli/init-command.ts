/**
 * `parley init`: makes a node's data directory — a new Ed25519 key, a TLS key and certificate, node.json — and
 * prints the three values the agreement must list for this party. The agreement can only be signed once every
 * party has run init, because it pins their keys and certificates.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { readAgreementText } from '../protocol/agreement-parse.js';
import { DataDirError, DATA_FILES, initDataDir, type InitOptions, type InitResult } from '../node/data-dir.js';
import { DEFAULT_API_PORT, DEFAULT_FEDERATION_PORT, NodeConfigError } from '../node/node-config.js';
import { TlsIdentityError } from '../node/tls-identity.js';
import { UsageError } from './usage-error.js';

interface InitFlags {
  data: string;
  agreementId?: string;
  party: string;
  hostname?: string[];
  federationPort?: string;
  apiPort?: string;
  postgres?: string;
  agreement?: string;
}

function port(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`${flag} must be a port number from 1 to 65535, got "${text}"`);
  return n;
}

/** What a draft agreement says about this node: its id, and the URL it gives the party's node. */
interface DraftFacts {
  id: string;
  node?: URL;
}

/**
 * Reads an agreement (a draft, YAML or JSON, or a signed one) for the values init can take from it. It cannot be
 * installed now: it cannot list the key this init is about to make.
 */
async function draftFacts(file: string, party: string): Promise<DraftFacts> {
  let doc: unknown;
  try {
    doc = readAgreementText(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--agreement ${file}: ${(e as Error).message}`);
  }
  const record = (doc ?? {}) as Record<string, unknown>;
  const a = (typeof record.agreement === 'object' && record.agreement !== null ? record.agreement : record) as Record<string, unknown>;
  if (typeof a.id !== 'string') throw new UsageError(`--agreement ${file}: no agreement id in it`);
  const parties = Array.isArray(a.parties) ? (a.parties as Array<Record<string, unknown>>) : [];
  const entry = parties.find((p) => p?.id === party);
  if (!entry) throw new UsageError(`--agreement ${file}: agreement "${a.id}" has no party "${party}" (its parties: ${parties.map((p) => String(p?.id)).join(', ') || 'none'})`);
  let node: URL | undefined;
  try {
    node = typeof entry.node === 'string' ? new URL(entry.node) : undefined;
  } catch {
    node = undefined;
  }
  return node?.protocol === 'https:' ? { id: a.id, node } : { id: a.id };
}

async function initOptions(flags: InitFlags): Promise<InitOptions> {
  const draft = flags.agreement ? await draftFacts(flags.agreement, flags.party) : undefined;
  if (flags.agreementId && draft && flags.agreementId !== draft.id) {
    throw new UsageError(`--agreement-id "${flags.agreementId}" differs from the id "${draft.id}" of --agreement ${flags.agreement}`);
  }
  const agreementId = flags.agreementId ?? draft?.id;
  if (!agreementId) throw new UsageError('--agreement-id is required (or --agreement with a draft of the agreement)');
  const opts: InitOptions = { dir: flags.data, agreementId, party: flags.party };
  const federationPort = port(flags.federationPort, '--federation-port');
  const apiPort = port(flags.apiPort, '--api-port');
  if (federationPort !== undefined) opts.federationPort = federationPort;
  if (apiPort !== undefined) opts.apiPort = apiPort;
  if (flags.postgres !== undefined) opts.postgresUrl = flags.postgres;
  const hostnames = flags.hostname ?? [];
  if (hostnames.length > 0) opts.hostnames = hostnames;
  // The draft's URL for this node is where peers will dial: make the certificate valid for its host.
  if (draft?.node && hostnames.length === 0) {
    opts.hostnames = [draft.node.hostname.replace(/^\[|\]$/g, '')];
    opts.federationUrl = draft.node.href.replace(/\/$/, '');
  }
  return opts;
}

/** The party's entry as YAML, ready to paste under `parties:` (the fields the agreement's editor already has are left out). */
function agreementSnippet(party: string, r: InitResult): string {
  const yaml = stringify([{ id: party, node: r.config.federation.url, signingKey: r.vkey, encryptionKey: r.encryptionKey, tlsFingerprint: r.fingerprint }], { lineWidth: 0 });
  return yaml.replace(/^/gm, '  ').trimEnd();
}

function report(flags: InitFlags, r: InitResult): string {
  const party = r.config.party;
  return `Made the node of party "${party}" for agreement "${r.config.agreement}" in ${r.dir}

Put these values in the agreement's entry for "${party}" (under parties:). They are public: send them to the other
parties however you exchange the agreement, and check the fingerprint with them over another channel.

${agreementSnippet(party, r)}

Next steps:
  1. Once every party has done the same, each signs the agreement; it is in force when all have signed.
  2. Save the signed agreement (JSON) as ${join(r.dir, DATA_FILES.agreement)}. The node checks that it lists
     exactly this key and certificate for "${party}".
  3. Start the node:  parley serve --data ${flags.data}
     Federation (mutual TLS, for peers): ${r.config.federation.host}:${r.config.federation.port}, reached at ${r.config.federation.url}
     User API (local): http://${r.config.api.host}:${r.config.api.port}

${join(r.dir, DATA_FILES.signingKey)} is this party's key. Back it up where only you can read it: without it,
"${party}" can no longer sign statements, nor consent to amending the agreement.
${join(r.dir, DATA_FILES.encryptionKey)} opens what other parties seal to "${party}". Back it up too: without it,
every sealed body addressed to "${party}", old or new, is unreadable to it.`;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description("make a node's data directory: a new signing key and encryption key, a TLS certificate, node.json; print what goes into the agreement")
    .requiredOption('--data <dir>', 'the data directory to create (refused if it already holds a node)')
    .option('--agreement-id <id>', 'the id of the agreement this node is for')
    .requiredOption('--party <id>', 'the party this node is')
    .option('--hostname <name>', 'a DNS name or IP address peers reach this node at; repeat for several (default: localhost, 127.0.0.1); the first makes the node URL', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--federation-port <port>', `port of the federation endpoint (default ${DEFAULT_FEDERATION_PORT})`)
    .option('--api-port <port>', `port of the local user API (default ${DEFAULT_API_PORT})`)
    .option('--postgres <url>', 'keep the data in PostgreSQL at this URL instead of DIR/parley.db')
    .option('--agreement <file>', "a draft of the agreement (YAML or JSON): takes the agreement id and this party's node URL from it")
    .addHelpText(
      'after',
      `
Files made in DIR: node.json (config), signing.key (0600), tls/key.pem (0600), tls/cert.pem.
Never overwrites a key: a directory that already holds one is refused.

Examples:
  $ parley init --data /var/lib/parley --agreement-id avalon-borduria --party avalon --hostname parley.cert.avalon.example
  $ parley init --data ./borduria --agreement draft.yaml --party borduria
  $ parley init --data ./avalon --agreement-id avalon-borduria --party avalon --federation-port 9443 --api-port 9080
  $ parley init --data ./avalon --agreement-id avalon-borduria --party avalon --postgres postgres://parley@db.internal/parley
`,
    )
    .action(async (flags: InitFlags) => {
      const opts = await initOptions(flags);
      let result: InitResult;
      try {
        result = await initDataDir(opts);
      } catch (e) {
        if (e instanceof NodeConfigError || e instanceof TlsIdentityError || (e instanceof DataDirError && e.problem === 'usage')) throw new UsageError(e.message);
        if (e instanceof DataDirError) {
          console.error(`parley init: ${e.message}`);
          process.exitCode = 1;
          return;
        }
        throw e;
      }
      console.log(report(flags, result));
    });
}
