#!/usr/bin/env node
// The keys of the example agreements, and their signed forms.
//
// FOR EXAMPLES ONLY: each example party's Ed25519 key is derived from a fixed, published phrase, so anyone —
// the demo, a test, an attacker — can re-derive it:
//     seed(party) = SHA-256(UTF-8("parley example key: " + party id))
// and so is its X25519 encryption key (the private key is those 32 bytes; X25519 clamps them):
//     encryption private key(party) = SHA-256(UTF-8("parley example encryption key: " + party id))
// and each example TLS fingerprint is a placeholder, not the hash of any certificate:
//     fingerprint(party) = hex SHA-256(UTF-8("parley example placeholder tls certificate: " + party id))
//
// Usage (needs the compiled protocol: `npm run build`, or PARLEY_BUILD=<tsc outDir>):
//   node scripts/example-keys.mjs keys <agreement id> <party id>…   print the lines to paste into an example
//   node scripts/example-keys.mjs sign [examples/x.yaml…]           write examples/x.signed.json, signed by every party
//   node scripts/example-keys.mjs check [examples/x.yaml…]          fail if a signed form is missing or out of date
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = resolve(root, process.env.PARLEY_BUILD ?? 'dist');

async function load(module) {
  const file = join(build, 'src', 'protocol', module);
  if (!existsSync(file)) throw new Error(`${file} not found: run "npm run build" first, or set PARLEY_BUILD to a tsc outDir`);
  return import(pathToFileURL(file).href);
}

export const SEED_PHRASE = 'parley example key: ';
export const ENCRYPTION_PHRASE = 'parley example encryption key: ';
export const FINGERPRINT_PHRASE = 'parley example placeholder tls certificate: ';

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest();

/** The 32-byte Ed25519 seed of an example party. */
export function exampleSeed(partyId) {
  return new Uint8Array(sha256(SEED_PHRASE + partyId));
}

/** The 32-byte X25519 private key of an example party. */
export function exampleEncryptionPrivateKey(partyId) {
  return new Uint8Array(sha256(ENCRYPTION_PHRASE + partyId));
}

/** The placeholder TLS fingerprint of an example party (not the hash of any certificate). */
export function exampleFingerprint(partyId) {
  return sha256(FINGERPRINT_PHRASE + partyId).toString('hex');
}

async function printKeys(agreementId, parties) {
  const { signingKeyFromSeed } = await load('keys.js');
  const { ED25519_TYPE, formatVerifierKey, formatSignerKey } = await load('note-key.js');
  const { encryptionKeyPair, formatEncryptionKey, formatEncryptionPrivateKey } = await load('encryption-key.js');
  for (const party of parties) {
    const name = `${agreementId}/${party}`;
    const seed = exampleSeed(party);
    console.log(`# ${party}: seed = SHA-256("${SEED_PHRASE}${party}") = ${Buffer.from(seed).toString('hex')}`);
    console.log(`signingKey: ${formatVerifierKey(name, ED25519_TYPE, signingKeyFromSeed(seed).publicKey.raw)}`);
    console.log(`# signer key (secret, examples only): ${formatSignerKey(name, ED25519_TYPE, seed)}`);
    const encryption = exampleEncryptionPrivateKey(party);
    console.log(`encryptionKey: ${formatEncryptionKey(encryptionKeyPair(encryption).publicKey)}`);
    console.log(`# encryption key (secret, examples only): ${formatEncryptionPrivateKey(name, encryption)}`);
    console.log(`tlsFingerprint: ${exampleFingerprint(party)}  # placeholder`);
  }
}

function exampleFiles(args) {
  if (args.length > 0) return args.map((f) => resolve(f));
  const dir = join(root, 'examples');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

/** The signed form of one example: the validated agreement and every party's signature, as pretty JSON. */
async function signedForm(file) {
  const { parseAgreement } = await load('agreement-parse.js');
  const { signAgreement } = await load('agreement-signature.js');
  const { signingKeyFromSeed } = await load('keys.js');
  const agreement = parseAgreement(readFileSync(file, 'utf8'), 'yaml');
  const signatures = agreement.parties.map((p) => signAgreement(agreement, p.id, signingKeyFromSeed(exampleSeed(p.id))));
  return JSON.stringify({ agreement, signatures }, null, 2) + '\n';
}

const signedPath = (file) => join(dirname(file), basename(file, '.yaml') + '.signed.json');

async function main([command, ...args]) {
  if (command === 'keys' && args.length >= 2) return printKeys(args[0], args.slice(1));
  if (command === 'sign' || command === 'check') {
    let stale = 0;
    for (const file of exampleFiles(args)) {
      const out = signedPath(file);
      const text = await signedForm(file);
      if (command === 'sign') {
        writeFileSync(out, text);
        console.log(`wrote ${out}`);
      } else if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
        console.error(`${out} is missing or out of date: run "node scripts/example-keys.mjs sign"`);
        stale++;
      }
    }
    return void (process.exitCode = stale > 0 ? 1 : 0);
  }
  console.error('usage: example-keys.mjs keys <agreement id> <party id>… | sign [file.yaml…] | check [file.yaml…]');
  process.exitCode = 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
