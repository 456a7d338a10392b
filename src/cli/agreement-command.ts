/**
 * `parley agreement sign | assemble | install`: how an operator gets the agreement signed by every party and into
 * the node. Each party signs the same document with the key in its data directory; anyone assembles the signatures
 * into the signed form; each party installs that on its node, which checks it lists the node's own key and certificate.
 */
import { formatEncryptionKey } from '../protocol/encryption-key.js';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseAgreement } from '../protocol/agreement-parse.js';
import { AgreementValidationError } from '../protocol/agreement-problems.js';
import { agreementHash, checkSignedAgreement, signAgreement, type AgreementSignature, type SignedAgreement } from '../protocol/agreement-signature.js';
import type { Agreement } from '../protocol/agreement.js';
import { DataDirError, installAgreement, openDataDir } from '../node/data-dir.js';
import { UsageError } from './usage-error.js';

/** Thrown for what the operator must fix in a file (exit 1), as opposed to a usage error (exit 2). */
class AgreementCommandError extends Error {}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function readAgreement(path: string): Promise<Agreement> {
  try {
    return parseAgreement(await readText(path, 'agreement'));
  } catch (e) {
    if (e instanceof AgreementValidationError) throw new AgreementCommandError(`${path}: ${e.message}`);
    throw e;
  }
}

function readSignature(path: string, text: string): AgreementSignature {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AgreementCommandError(`${path} is not JSON: a signature file is what \`parley agreement sign\` printed, {"party": …, "sig": …}`);
  }
  const s = value as Partial<AgreementSignature>;
  if (typeof s?.party !== 'string' || typeof s.sig !== 'string') {
    throw new AgreementCommandError(`${path} is not a signature: expected {"party": "<party id>", "sig": "<base64>"}`);
  }
  return { party: s.party, sig: s.sig };
}

async function output(text: string, out: string | undefined): Promise<void> {
  if (out) await writeFile(out, text, { flag: 'wx' });
  else process.stdout.write(text);
}

/** Runs a subcommand; what the operator must fix in a file ends it with exit 1 and one clear line. */
function reporting<A extends unknown[]>(name: string, fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof AgreementCommandError || e instanceof DataDirError) {
        console.error(`parley agreement ${name}: ${e.message}`);
        process.exitCode = 1;
        return;
      }
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${(e as NodeJS.ErrnoException).path ?? 'the output file'} already exists: choose another --out`);
      throw e;
    }
  };
}

async function sign(file: string, flags: { data: string; out?: string }): Promise<void> {
  const agreement = await readAgreement(file);
  const node = await openDataDir(flags.data);
  if (node.config.agreement !== agreement.id) {
    throw new AgreementCommandError(`this node belongs to agreement "${node.config.agreement}", not "${agreement.id}"`);
  }
  const entry = agreement.parties.find((p) => p.id === node.config.party);
  if (!entry) throw new AgreementCommandError(`the agreement has no party "${node.config.party}" (this node's party)`);
  if (entry.signingKey !== node.vkey) {
    throw new AgreementCommandError(`the agreement gives ${entry.id} the key ${entry.signingKey}, but this node's key is ${node.vkey}: fix the document before signing`);
  }
  // A wrong encryption key would not stop the node from signing, but every body sealed to it would be lost to it.
  if (!node.encryptionKeys.some((k) => formatEncryptionKey(k.publicKey) === entry.encryptionKey)) {
    throw new AgreementCommandError(`the agreement gives ${entry.id} the encryption key ${entry.encryptionKey}, but this node's is ${node.encryptionKey}: fix the document before signing`);
  }
  console.error(`agreement ${agreement.id} version ${agreement.version}, hash ${agreementHash(agreement)}`);
  console.error('Compare this hash with every other party (by phone, not through the document) before sending the signature.');
  await output(JSON.stringify(signAgreement(agreement, node.config.party, node.signingKey)) + '\n', flags.out);
}

async function assemble(file: string, signatureFiles: string[], flags: { out?: string }): Promise<void> {
  const agreement = await readAgreement(file);
  const signatures: AgreementSignature[] = [];
  for (const path of signatureFiles) signatures.push(readSignature(path, await readText(path, 'signature')));
  const signed: SignedAgreement = { agreement, signatures };
  let status;
  try {
    status = checkSignedAgreement(signed);
  } catch (e) {
    throw new AgreementCommandError((e as Error).message);
  }
  console.error(status.inForce
    ? `in force: signed by every party (${status.signed.join(', ')}); hash ${status.hash}`
    : `not in force yet: signed by ${status.signed.join(', ') || 'nobody'}; missing ${status.missing.join(', ')}`);
  await output(JSON.stringify(signed, null, 2) + '\n', flags.out);
}

async function install(file: string, flags: { data: string }): Promise<void> {
  let signed: unknown;
  try {
    signed = JSON.parse(await readText(file, 'signed agreement'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new AgreementCommandError(`${file} is not JSON: install the signed form that \`parley agreement assemble\` writes`);
    throw e;
  }
  const { agreement } = await installAgreement(flags.data, signed);
  console.log(`installed agreement ${agreement.id} version ${agreement.version} in ${flags.data}; restart the node to use it`);
}

export function registerAgreement(program: Command): void {
  const agreement = program.command('agreement').description('sign the agreement, assemble the parties\' signatures, install the signed agreement on a node');
  agreement
    .command('sign')
    .description("sign the agreement with this node's party key; prints the signature as JSON")
    .argument('<file>', 'the agreement (YAML or JSON), the same document every party signs')
    .requiredOption('--data <dir>', "the node's data directory (its signing.key signs)")
    .option('--out <file>', 'write the signature here (never overwritten) instead of stdout')
    .addHelpText('after', `
Example:
  $ parley agreement sign agreement.yaml --data /var/lib/parley --out sig-avalon.json`)
    .action(reporting('sign', sign));
  agreement
    .command('assemble')
    .description("put the parties' signatures together into the signed agreement, and say whether it is in force")
    .argument('<file>', 'the agreement (YAML or JSON)')
    .argument('<signatures...>', 'the signature files the parties sent')
    .option('--out <file>', 'write the signed agreement here (never overwritten) instead of stdout')
    .addHelpText('after', `
Example:
  $ parley agreement assemble agreement.yaml sig-avalon.json sig-borduria.json --out agreement.signed.json`)
    .action(reporting('assemble', assemble));
  agreement
    .command('install')
    .description("install the signed agreement on a node: it must be in force and list this node's key and certificate")
    .argument('<file>', 'the signed agreement (JSON, as assemble writes it)')
    .requiredOption('--data <dir>', "the node's data directory")
    .addHelpText('after', `
Example:
  $ parley agreement install agreement.signed.json --data /var/lib/parley`)
    .action(reporting('install', install));
}
