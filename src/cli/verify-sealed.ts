/**
 * `parley verify`'s look at sealed bodies (docs/protocol.md §2.1), after the log itself verified: without a key, how
 * many bodies are sealed and to whom; with a party's encryption keys (`--key`), that every body sealed to that party
 * opens — HPKE and AEAD, both bound to the statement's envelope — and which do not, by index and reason.
 *
 * A separate pass over the file: the audit's pass is about signatures and the tree and needs no key; this one needs
 * the statements' sealed forms only, and is skipped when the log did not verify (nothing of it would be worth opening).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseEncryptionPrivateKey, type EncryptionKeyPair } from '../protocol/encryption-key.js';
import { ProtocolError } from '../protocol/errors.js';
import { openSealedBody, SealedBodyError } from '../protocol/sealed-body.js';
import type { Statement } from '../protocol/statement.js';
import { DATA_FILES } from '../node/data-dir.js';
import { KeyFileError, readEncryptionKeys, readKeyFile } from '../node/key-file.js';

/** A party's encryption keys, as `--key` names them: from a node's data directory or an encryption key file. */
export interface Keyring {
  agreement: string;
  party: string;
  keyPairs: EncryptionKeyPair[];
}

/** A body sealed to the key's party that does not open: where it is, and the rule it breaks (sealed.*). */
export interface SealedFailure {
  index: number;
  rule: string;
  message: string;
}

export interface SealedSummary {
  /** Statements whose body is sealed. */
  sealed: number;
  /** How many are sealed to each set of recipients, "avalon+borduria" → count. */
  to: Record<string, number>;
  /** With a key: whose, how many opened, of how many sealed to others (not this party), and which failed. */
  key?: { party: string; opened: number; notRecipient: number; failures: SealedFailure[] };
}

/** `--key` names neither a data directory nor a file of encryption keys (exit 2). */
export class KeyringError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyringError';
  }
}

/** Reads `--key`: DIR/encryption.key of a node's data directory, or the key file itself. */
export async function readKeyring(path: string): Promise<Keyring> {
  const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
  const file = isDir ? join(path, DATA_FILES.encryptionKey) : path;
  try {
    // The key's name (<agreement>/<party>) is in the file itself: the first line names it, every line must agree.
    const first = (await readKeyFile(file)).split('\n').find((l) => l !== '');
    if (first === undefined) throw new KeyringError(`${file} holds no encryption key`);
    const { name } = parseEncryptionPrivateKey(first);
    const keyPairs = await readEncryptionKeys(file, name);
    const [agreement, party] = name.split('/') as [string, string];
    return { agreement, party, keyPairs };
  } catch (e) {
    if (e instanceof KeyringError || e instanceof KeyFileError) throw new KeyringError(e.message, { cause: e });
    const why = e instanceof ProtocolError ? `${e.rule}: ${e.message}` : (e as Error).message;
    throw new KeyringError(`${file} is not an encryption key file (${why})`, { cause: e });
  }
}

async function* statementsOf(path: string): AsyncGenerator<Statement> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    // The audit has already checked every line's form: only statement lines matter here.
    const value = JSON.parse(line) as { statement?: Statement };
    if (value.statement !== undefined) yield value.statement;
  }
}

/** Counts the sealed bodies of a verified log export and, with `keyring`, opens each sealed to its party. */
export async function checkSealedBodies(path: string, keyring?: Keyring): Promise<SealedSummary> {
  const summary: SealedSummary = { sealed: 0, to: {} };
  const key = keyring && { party: keyring.party, opened: 0, notRecipient: 0, failures: [] as SealedFailure[] };
  for await (const s of statementsOf(path)) {
    if (s.sealed === undefined) continue;
    summary.sealed++;
    const recipients = Object.keys(s.sealed.recipients).sort().join('+');
    summary.to[recipients] = (summary.to[recipients] ?? 0) + 1;
    if (!key) continue;
    if (s.sealed.recipients[key.party] === undefined) {
      key.notRecipient++;
      continue;
    }
    try {
      await openSealedBody(s, key.party, keyring.keyPairs);
      key.opened++;
    } catch (e) {
      if (!(e instanceof SealedBodyError)) throw e;
      key.failures.push({ index: s.index, rule: e.rule, message: e.message });
    }
  }
  return key ? { ...summary, key } : summary;
}

/** The lines `parley verify` prints about sealed bodies when they all open (failures are reported apart, on stderr). */
export function sealedLines(s: SealedSummary): string[] {
  const to = Object.entries(s.to).map(([who, n]) => `${n} to ${who}`).join(', ');
  const lines = [`  sealed bodies ${s.sealed}${s.sealed > 0 ? ` (${to})` : ''}`];
  if (!s.key) return lines;
  const k = s.key;
  lines.push(`  with ${k.party}'s keys: ${k.opened} of ${k.opened + k.failures.length} sealed to ${k.party} open; not a recipient of ${k.notRecipient} statements`);
  return lines;
}
