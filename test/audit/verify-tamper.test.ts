/**
 * `parley verify` against every kind of tampering: each test changes a valid export the way an adversary
 * (or a careless operator) would, and asserts that the audit names the line and the rule.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildLog, checkpointFor, testParty, type BuiltLog } from '../support/log-builder.js';
import { tempDir, writeLines } from '../support/temp.js';
import { verifyLogFile } from '../../src/audit/verify-file.js';
import { AuditFailure } from '../../src/protocol/log-audit.js';
import { signStatement, type Statement } from '../../src/protocol/statement.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { formatExportLine } from '../../src/protocol/log-export.js';
import { formatVerifierKey, ED25519_TYPE } from '../../src/protocol/note-key.js';

const AGREEMENT = 'avalon-borduria';
const avalon = testParty(AGREEMENT, 'avalon');
const borduria = testParty(AGREEMENT, 'borduria');
const dir = tempDir();

// 12 statements on lines 2..13 (index i on line i + 2); checkpoints of sizes 5, 10, 12, each followed by borduria's cosignature.
const log: BuiltLog = buildLog({ author: avalon, witnesses: [borduria], count: 12, checkpointEvery: 5 });
const lineOf = (index: number): number => index + 2;
const cpLine = (size: number): number => log.lines.findIndex((l) => l.startsWith('{"checkpoint"') && l.includes(`\\n${size}\\n`)) + 1;

function statementAt(lines: string[], lineNo: number): Statement {
  return (JSON.parse(lines[lineNo - 1]!) as { statement: Statement }).statement;
}

function withStatement(lines: string[], lineNo: number, change: (s: Statement) => Statement): string[] {
  const copy = [...lines];
  copy[lineNo - 1] = formatExportLine({ statement: change(statementAt(lines, lineNo)) });
  return copy;
}

async function failure(lines: string[], workers = 0): Promise<AuditFailure> {
  const path = writeLines(dir, lines);
  try {
    await verifyLogFile(path, { workers });
  } catch (e) {
    if (e instanceof AuditFailure) return e;
    throw e;
  }
  assert.fail('the tampered log verified');
}

async function expectFailure(lines: string[], line: number, rule: string, workers = 0): Promise<AuditFailure> {
  const f = await failure(lines, workers);
  assert.equal(f.rule, rule, `expected rule ${rule}, got: ${f.message}`);
  assert.equal(f.line, line, `expected line ${line}, got: ${f.message}`);
  assert.match(f.message, new RegExp(`^line ${line}: ${rule.replace('.', '\\.')}: `));
  return f;
}

describe('a valid log', () => {
  test('verifies on the calling thread and on workers, with the same summary', async () => {
    const path = writeLines(dir, log.lines);
    const a = await verifyLogFile(path, { workers: 0 });
    const b = await verifyLogFile(path, { workers: 2, chunkBytes: 1000 });
    assert.deepEqual(a, b);
    assert.equal(a.statements, 12);
    assert.deepEqual(a.checkpoints.map((c) => c.size), [5, 10, 12]);
    assert.deepEqual(a.checkpoints.map((c) => c.cosignedBy.map((w) => w.witness)), [['borduria'], ['borduria'], ['borduria']]);
    assert.deepEqual(a.witnesses, ['borduria']);
  });
});

describe('tampering is caught, naming the line and the rule', () => {
  test('an edited body', async () => {
    const lines = withStatement(log.lines, lineOf(3), (s) => ({ ...s, body: { ...s.body, summary: 'nothing happened' } }));
    await expectFailure(lines, lineOf(3), 'statement.signature');
  });

  test('a deleted statement line', async () => {
    const lines = log.lines.filter((_, i) => i !== lineOf(4) - 1);
    const f = await expectFailure(lines, lineOf(4), 'statement.index');
    assert.match(f.message, /expected index 4, found 5: a statement is missing/);
  });

  test('an inserted statement forged with another key', async () => {
    const mallory = testParty(AGREEMENT, 'avalon', 'mallory');
    const forged = signStatement({ ...statementAt(log.lines, lineOf(4)), body: { summary: 'forged' } }, mallory.key).statement;
    const lines = [...log.lines];
    lines.splice(lineOf(4) - 1, 0, formatExportLine({ statement: forged }));
    await expectFailure(lines, lineOf(4), 'statement.signature');
  });

  test('a duplicated line', async () => {
    const lines = [...log.lines];
    lines.splice(lineOf(3), 0, log.lines[lineOf(3) - 1]!);
    const f = await expectFailure(lines, lineOf(4), 'statement.index');
    assert.match(f.message, /duplicated or out of order/);
  });

  test('two swapped lines', async () => {
    const lines = [...log.lines];
    [lines[lineOf(3) - 1], lines[lineOf(4) - 1]] = [lines[lineOf(4) - 1]!, lines[lineOf(3) - 1]!];
    await expectFailure(lines, lineOf(3), 'statement.index');
  });

  test('a log truncated under a later checkpoint', async () => {
    const lines = log.lines.filter((_, i) => i !== lineOf(10) - 1 && i !== lineOf(11) - 1);
    const f = await expectFailure(lines, cpLine(12) - 2, 'checkpoint.size');
    assert.match(f.message, /size 12 but the log has only 10 statements/);
  });

  test('a changed time', async () => {
    const lines = withStatement(log.lines, lineOf(6), (s) => ({ ...s, time: '2026-11-22T03:00:05.500Z' }));
    await expectFailure(lines, lineOf(6), 'statement.signature');
  });

  test('a time moved before the previous statement (even re-signed by the author)', async () => {
    const lines = withStatement(log.lines, lineOf(6), (s) => signStatement({ ...s, time: '2026-11-22T02:00:00.000Z' }, avalon.key).statement);
    await expectFailure(lines, lineOf(6), 'statement.time');
  });

  test('a replaced signature', async () => {
    const other = statementAt(log.lines, lineOf(2)).sig;
    const lines = withStatement(log.lines, lineOf(7), (s) => ({ ...s, sig: other }));
    await expectFailure(lines, lineOf(7), 'statement.signature');
  });

  test('a bit-flipped signature', async () => {
    const lines = withStatement(log.lines, lineOf(7), (s) => {
      const sig = Buffer.from(s.sig, 'base64');
      sig[10]! ^= 0x01;
      return { ...s, sig: sig.toString('base64') };
    });
    await expectFailure(lines, lineOf(7), 'statement.signature');
  });

  test("a header key swapped for another party's", async () => {
    const lines = [...log.lines];
    lines[0] = formatExportLine({ header: { ...log.header, key: borduria.vkey } });
    await expectFailure(lines, lineOf(0), 'statement.signature');
  });

  test('a statement replayed from another log', async () => {
    const theirs = buildLog({ author: borduria, witnesses: [avalon], count: 5 });
    const lines = [...log.lines];
    lines[lineOf(3) - 1] = theirs.lines[lineOf(3) - 1]!;
    await expectFailure(lines, lineOf(3), 'statement.author');
  });

  test('two forked checkpoints of the same size', async () => {
    // The author signs a second checkpoint of size 10 over a different history.
    const fork = buildLog({ author: avalon, witnesses: [], to: ['borduria'], count: 10, start: '2026-11-23T00:00:00.000Z' });
    const tree = MerkleTree.fromLeafHashes(fork.statements.map((s) => s.leafHash));
    const forked = checkpointFor(avalon, tree, 10, [], 0);
    const lines = [...log.lines];
    const at = cpLine(10);
    lines.splice(at, 0, formatExportLine({ checkpoint: forked.note }));
    const f = await expectFailure(lines, at + 1, 'checkpoint.equivocation');
    assert.match(f.message, new RegExp(`lines ${at} and ${at + 1}`));
  });

  test('a history rewritten and re-checkpointed by the author is betrayed by the witness', async () => {
    // The author re-signs statement 3 and every checkpoint after it; the old cosignature no longer fits.
    const rewritten = withStatement(log.lines, lineOf(3), (s) => signStatement({ ...s, body: { summary: 'we never said that' } }, avalon.key).statement);
    const tree = new MerkleTree();
    for (let i = 0; i < 12; i++) tree.append(signStatementHash(rewritten, lineOf(i)));
    const at = cpLine(5);
    rewritten[at - 1] = formatExportLine({ checkpoint: checkpointFor(avalon, tree, 5, [], 0).note });
    await expectFailure(rewritten, at + 1, 'cosignature.signature');
  });

  test('a bit-flipped cosignature', async () => {
    const lines = [...log.lines];
    const at = cpLine(10) + 1;
    const rec = JSON.parse(lines[at - 1]!).cosignature;
    const sig = Buffer.from(rec.line.split(' ')[2], 'base64');
    sig[20]! ^= 0x80;
    lines[at - 1] = formatExportLine({ cosignature: { ...rec, line: `— ${borduria.name} ${sig.toString('base64')}` } });
    await expectFailure(lines, at, 'cosignature.signature');
  });

  test('a checkpoint signed by a key that is not the log’s', async () => {
    const mallory = testParty(AGREEMENT, 'avalon', 'mallory');
    const tree = MerkleTree.fromLeafHashes(log.statements.map((s) => s.leafHash));
    const lines = [...log.lines];
    const at = cpLine(12);
    lines[at - 1] = formatExportLine({ checkpoint: checkpointFor(avalon, tree, 12, [], 0, mallory.key).note });
    await expectFailure(lines, at, 'checkpoint.signature');
  });

  test('statements after the last checkpoint are not covered', async () => {
    const shorter = buildLog({ author: avalon, witnesses: [borduria], count: 12, checkpointEvery: 5 });
    const lines = shorter.lines.filter((l) => !l.includes('\\n12\\n') && !l.includes('"size":12'));
    const f = await expectFailure(lines, lines.length, 'log.uncovered');
    assert.match(f.message, /statements 10\.\.11 are not covered/);
  });

  test('a cosignature by the log itself is refused', async () => {
    const lines = [...log.lines];
    const at = cpLine(5) + 1;
    const rec = JSON.parse(lines[at - 1]!).cosignature;
    lines[at - 1] = formatExportLine({ cosignature: { ...rec, witness: 'avalon' } });
    await expectFailure(lines, at, 'cosignature.witness');
  });

  test('the same tampering is caught the same way on worker threads', async () => {
    const lines = withStatement(log.lines, lineOf(9), (s) => ({ ...s, to: ['avalon'] }));
    const a = await failure(lines, 0);
    const b = await failure(lines, 2);
    assert.equal(a.message, b.message);
    assert.equal(a.line, lineOf(9));
  });
});

describe('key rotation', () => {
  const next = testParty(AGREEMENT, 'avalon', 'avalon-2027');
  const rotating = buildLog({
    author: avalon,
    witnesses: [borduria],
    count: 8,
    checkpointEvery: 3,
    keyFor: (i) => (i <= 4 ? avalon.key : next.key),
    make: (i, base) =>
      i === 4
        ? { ...base, type: 'key-rotation', case: null, refs: [], body: { newKey: formatVerifierKey(avalon.name, ED25519_TYPE, next.key.publicKey.raw) } }
        : { ...base, type: 'communication-check', case: null, refs: [], body: { nonce: String(i) } },
  });

  test('statements after a rotation verify with the new key, on workers too', async () => {
    const path = writeLines(dir, rotating.lines);
    const s = await verifyLogFile(path, { workers: 2, chunkBytes: 500 });
    assert.equal(s.statements, 8);
    assert.deepEqual(s.keyRotations.map((r) => r.index), [4]);
  });

  test('a rotation to a key under another name is refused', async () => {
    const lines = withStatement(rotating.lines, lineOf(4), (s) =>
      signStatement({ ...s, body: { newKey: formatVerifierKey('avalon-borduria/borduria', ED25519_TYPE, next.key.publicKey.raw) } }, avalon.key).statement,
    );
    const f = await expectFailure(lines, lineOf(4), 'statement.key-rotation');
    assert.match(f.message, /named "avalon-borduria\/borduria"/);
  });

  test('a statement signed with the old key after the rotation is refused', async () => {
    const lines = withStatement(rotating.lines, lineOf(6), (s) => signStatement(s, avalon.key).statement);
    await expectFailure(lines, lineOf(6), 'statement.signature');
  });
});

function signStatementHash(lines: string[], lineNo: number): Uint8Array {
  const s = statementAt(lines, lineNo);
  return signStatement(s, avalon.key).leafHash;
}
