/**
 * Builds real, signed logs for tests and benchmarks: a party signs statements, checkpoints its log,
 * and witnesses cosign the checkpoints — exactly what a node does, without the node.
 */
import { sha256 } from '../../src/protocol/hash.js';
import { signingKeyFromSeed, type SigningKey } from '../../src/protocol/keys.js';
import { ED25519_TYPE, formatVerifierKey } from '../../src/protocol/note-key.js';
import { signCheckpoint } from '../../src/protocol/checkpoint.js';
import { cosign } from '../../src/protocol/cosignature.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { signStatement, type HashedStatement, type UnsignedStatement } from '../../src/protocol/statement.js';
import { exportLines, LOG_EXPORT_FORMAT, type LogHeader } from '../../src/protocol/log-export.js';
import { utf8 } from '../../src/protocol/encoding.js';

export interface TestParty {
  id: string;
  agreement: string;
  /** "<agreement>/<party>": the log's origin and the party's key name. */
  name: string;
  key: SigningKey;
  vkey: string;
}

function partyWithSeed(agreement: string, id: string, seed: Uint8Array): TestParty {
  const key = signingKeyFromSeed(seed);
  const name = `${agreement}/${id}`;
  return { id, agreement, name, key, vkey: formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw) };
}

/** A party with a key derived from a fixed label, so that tests are repeatable. */
export function testParty(agreement: string, id: string, label = id): TestParty {
  return partyWithSeed(agreement, id, sha256(utf8(`parley test key: ${label}`)));
}

/** A party of the agreements in examples/, with the documented example key (docs/agreement.md). */
export function exampleParty(agreement: string, id: string): TestParty {
  return partyWithSeed(agreement, id, sha256(utf8(`parley example key: ${id}`)));
}

export interface BuiltCheckpoint {
  size: number;
  note: string;
  cosignatures: Array<{ witness: string; line: string }>;
}

export interface BuiltLog {
  header: LogHeader;
  statements: HashedStatement[];
  checkpoints: BuiltCheckpoint[];
  /** The export, one string per line (no newlines). */
  lines: string[];
}

export interface BuildOptions {
  author: TestParty;
  witnesses: TestParty[];
  count: number;
  /** A checkpoint after every this many statements, and always one at the end. */
  checkpointEvery?: number;
  start?: string;
  /** Statement i is made by this function's result (defaults: a notification). */
  make?: (i: number, base: Omit<UnsignedStatement, 'type' | 'body' | 'case' | 'refs'>) => UnsignedStatement;
  /** Addressees of every statement (default: the witnesses). */
  to?: string[];
  /** Which key signs statement i (defaults to the author's); for key-rotation tests. */
  keyFor?: (i: number) => SigningKey;
}

function defaultStatement(i: number, base: Omit<UnsignedStatement, 'type' | 'body' | 'case' | 'refs'>): UnsignedStatement {
  return {
    ...base,
    type: 'notification',
    case: `${base.author}:t-${i}`,
    refs: [],
    body: { category: 'availability.ddos', severity: 'high', summary: `Test incident number ${i}: traffic flood against election servers` },
  };
}

export function checkpointFor(author: TestParty, tree: MerkleTree, size: number, witnesses: TestParty[], timeSeconds: number, key = author.key): BuiltCheckpoint {
  const note = signCheckpoint({ origin: author.name, size, root: tree.root(size), extensions: [] }, key, author.name);
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  const cosignatures = witnesses.map((w) => ({ witness: w.id, line: cosign(text, w.key, w.name, timeSeconds) }));
  return { size, note, cosignatures };
}

export function buildLog(o: BuildOptions): BuiltLog {
  const every = o.checkpointEvery ?? 10;
  const t0 = Date.parse(o.start ?? '2026-11-22T03:00:00.000Z');
  const tree = new MerkleTree();
  const statements: HashedStatement[] = [];
  const checkpoints: BuiltCheckpoint[] = [];
  const to = o.to ?? o.witnesses.map((w) => w.id).sort();
  for (let i = 0; i < o.count; i++) {
    const base = { v: 1 as const, agreement: o.author.agreement, author: o.author.id, index: i, time: new Date(t0 + i * 1000).toISOString(), to };
    const s = signStatement((o.make ?? defaultStatement)(i, base), o.keyFor ? o.keyFor(i) : o.author.key);
    statements.push(s);
    tree.append(s.leafHash);
    if ((i + 1) % every === 0 || i === o.count - 1) {
      const key = o.keyFor ? o.keyFor(i + 1) : o.author.key;
      checkpoints.push(checkpointFor(o.author, tree, i + 1, o.witnesses, Math.floor((t0 + i * 1000) / 1000) + 1, key));
    }
  }
  const header: LogHeader = {
    format: LOG_EXPORT_FORMAT,
    agreement: o.author.agreement,
    party: o.author.id,
    origin: o.author.name,
    key: o.author.vkey,
    witnesses: Object.fromEntries(o.witnesses.map((w) => [w.id, [w.vkey]])),
  };
  const lines = [...exportLines({ header, statements: statements.map((s) => s.statement), checkpoints })];
  return { header, statements, checkpoints, lines };
}
