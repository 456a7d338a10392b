/**
 * The offline audit of one party's log, as a pure state machine fed one line at a time, in file order.
 *
 * The costly part — parsing, hashing and verifying each statement's signature — is done beforehand
 * (possibly on worker threads) and handed in as StatementFacts; this class applies the rules that need
 * the whole sequence: index order, time order, key rotation, checkpoint roots, equivocation, cosignatures.
 * Each rule has a stable id; the first broken rule stops the audit with an AuditFailure naming the line.
 */
import { ProtocolError } from './errors.js';
import { MerkleTree } from './merkle-tree.js';
import { openCheckpoint, parseCheckpoint } from './checkpoint.js';
import { parseNote } from './signed-note.js';
import { ED25519_TYPE, parseVerifierKey } from './note-key.js';
import { verifyCosignature } from './cosignature.js';
import { toBase64, bytesEqual } from './encoding.js';
import type { CosignatureRecord, LogHeader } from './log-export.js';

/** The first broken rule, with the 1-based line number of the offending line. */
export class AuditFailure extends ProtocolError {
  readonly line: number;
  constructor(line: number, rule: string, message: string) {
    super(rule, `line ${line}: ${rule}: ${message}`);
    this.line = line;
  }
}

/** What the per-line work found out about a statement line. */
export interface StatementFacts {
  line: number;
  agreement: string;
  author: string;
  index: number;
  time: string;
  type: string;
  leafHash: Uint8Array;
  /** The verifier key the signature was checked with, and whether it verified. */
  checkedWith: string;
  signatureValid: boolean;
  /** For a key-rotation statement: the key in force from the next index on. */
  newKey?: string;
}

export interface CheckpointSummary {
  line: number;
  size: number;
  root: string;
  cosignedBy: Array<{ witness: string; time: number }>;
}

export interface AuditSummary {
  agreement: string;
  party: string;
  origin: string;
  statements: number;
  checkpoints: CheckpointSummary[];
  keyRotations: Array<{ index: number; key: string }>;
  witnesses: string[];
}

export class LogAuditor {
  private readonly header: LogHeader;
  private readonly tree = new MerkleTree();
  private lastTime = '';
  private currentKey: string;
  private readonly rotations: Array<{ index: number; key: string }> = [];
  private readonly checkpoints: CheckpointSummary[] = [];
  /** Checkpoint lines by size: the text (without signatures) and root of the latest one of each size. */
  private readonly bySize = new Map<number, { text: string; root: Uint8Array; line: number; summary: CheckpointSummary }>();
  private seenCheckpoint = false;

  constructor(header: LogHeader) {
    this.header = header;
    this.currentKey = header.key;
  }

  /** The key the next statement must be signed with. */
  expectedKey(): string {
    return this.currentKey;
  }

  statement(f: StatementFacts): void {
    const fail = (rule: string, message: string): never => {
      throw new AuditFailure(f.line, rule, message);
    };
    if (this.seenCheckpoint) fail('line.order', 'statement after a checkpoint line: statements come first, in index order');
    if (f.agreement !== this.header.agreement) {
      fail('statement.agreement', `statement belongs to agreement "${f.agreement}", this log to "${this.header.agreement}"`);
    }
    if (f.author !== this.header.party) {
      fail('statement.author', `statement by "${f.author}" in the log of "${this.header.party}" (replayed from another log?)`);
    }
    const expected = this.tree.size;
    if (f.index !== expected) {
      const what = f.index < expected ? 'duplicated or out of order' : 'a statement is missing before it';
      fail('statement.index', `expected index ${expected}, found ${f.index}: ${what}`);
    }
    if (f.time < this.lastTime) fail('statement.time', `time ${f.time} is earlier than the previous statement's ${this.lastTime}`);
    if (f.checkedWith !== this.currentKey) {
      throw new Error('LogAuditor: statement was checked with a key that is not in force (the caller must re-check it)');
    }
    if (!f.signatureValid) fail('statement.signature', `signature of ${f.author}#${f.index} does not verify with the key in force`);
    if (f.newKey !== undefined) this.checkNewKey(f);
    this.tree.append(f.leafHash);
    this.lastTime = f.time;
    if (f.newKey !== undefined) {
      this.rotations.push({ index: f.index, key: f.newKey });
      this.currentKey = f.newKey;
    }
  }

  /** A rotation must name an Ed25519 verifier key of the same name: the log's identity does not change with its key. */
  private checkNewKey(f: StatementFacts): void {
    let name: string;
    try {
      const k = parseVerifierKey(f.newKey!);
      if (k.type !== ED25519_TYPE) throw new Error('not an Ed25519 (type 0x01) key');
      name = k.name;
    } catch (e) {
      throw new AuditFailure(f.line, 'statement.key-rotation', `the new key is not a valid verifier key: ${(e as Error).message}`);
    }
    if (name !== this.header.origin) {
      throw new AuditFailure(f.line, 'statement.key-rotation', `the new key is named "${name}", not "${this.header.origin}"`);
    }
  }

  /** The key in force after the first `size` statements: the one that signs a checkpoint of that size. */
  private keyAfter(size: number): string {
    let key = this.header.key;
    for (const r of this.rotations) if (r.index < size) key = r.key;
    return key;
  }

  checkpoint(line: number, note: string): void {
    const fail = (rule: string, message: string): never => {
      throw new AuditFailure(line, rule, message);
    };
    this.seenCheckpoint = true;
    let size = 0;
    try {
      // The size says which key must have signed it (a key may have been rotated in between).
      size = parseCheckpoint(parseNote(note).text).size;
    } catch (e) {
      fail('checkpoint.shape', `not a well-formed checkpoint note: ${(e as Error).message}`);
    }
    let opened: ReturnType<typeof openCheckpoint>;
    try {
      opened = openCheckpoint(note, this.keyAfter(size));
    } catch (e) {
      return fail('checkpoint.signature', `checkpoint is not signed by the log's key: ${(e as Error).message}`);
    }
    const cp = opened.checkpoint;
    if (cp.origin !== this.header.origin) fail('checkpoint.origin', `origin "${cp.origin}" is not this log's "${this.header.origin}"`);
    const same = this.bySize.get(cp.size);
    if (same && !bytesEqual(same.root, cp.root)) {
      fail('checkpoint.equivocation', `two signed checkpoints of size ${cp.size} with different roots (lines ${same.line} and ${line}): the log forked`);
    }
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && cp.size < last.size) fail('checkpoint.order', `size ${cp.size} after size ${last.size}: checkpoints must not go back`);
    if (cp.size > this.tree.size) {
      fail('checkpoint.size', `checkpoint of size ${cp.size} but the log has only ${this.tree.size} statements (truncated?)`);
    }
    const root = this.tree.root(cp.size);
    if (!bytesEqual(root, cp.root)) {
      fail('checkpoint.root', `root at size ${cp.size} is ${toBase64(root)}, the checkpoint says ${toBase64(cp.root)}`);
    }
    // Every checkpoint matches the same statements, so any two are consistent (the Merkle tree of a prefix).
    const summary: CheckpointSummary = { line, size: cp.size, root: toBase64(cp.root), cosignedBy: [] };
    this.checkpoints.push(summary);
    this.bySize.set(cp.size, { text: opened.text, root: cp.root, line, summary });
  }

  cosignature(line: number, record: CosignatureRecord, witnessKeys: Record<string, string[]>): void {
    const fail = (rule: string, message: string): never => {
      throw new AuditFailure(line, rule, message);
    };
    const cp = this.bySize.get(record.size);
    if (!cp) fail('cosignature.checkpoint', `no checkpoint of size ${record.size} above this line`);
    if (record.witness === this.header.party) fail('cosignature.witness', 'a log cannot witness itself');
    const keys = witnessKeys[record.witness];
    if (!keys || keys.length === 0) fail('cosignature.witness', `no key known for witness "${record.witness}"`);
    let time: number | undefined;
    let lastError = '';
    for (const key of keys!) {
      try {
        time = verifyCosignature(cp!.text, record.line, key).time;
        break;
      } catch (e) {
        lastError = (e as Error).message;
      }
    }
    if (time === undefined) fail('cosignature.signature', `cosignature by "${record.witness}" of size ${record.size} does not verify: ${lastError}`);
    cp!.summary.cosignedBy.push({ witness: record.witness, time: time! });
  }

  /** Rules about the log as a whole, checked once every line has been read. */
  finish(lastLine: number): AuditSummary {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (this.tree.size > 0 && !last) {
      throw new AuditFailure(lastLine, 'log.no-checkpoint', `${this.tree.size} statements and no signed checkpoint over them`);
    }
    if (last && last.size < this.tree.size) {
      throw new AuditFailure(lastLine, 'log.uncovered', `statements ${last.size}..${this.tree.size - 1} are not covered by any signed checkpoint`);
    }
    const witnesses = new Set<string>();
    for (const c of this.checkpoints) for (const w of c.cosignedBy) witnesses.add(w.witness);
    return {
      agreement: this.header.agreement,
      party: this.header.party,
      origin: this.header.origin,
      statements: this.tree.size,
      checkpoints: this.checkpoints,
      keyRotations: this.rotations,
      witnesses: [...witnesses].sort(),
    };
  }
}
