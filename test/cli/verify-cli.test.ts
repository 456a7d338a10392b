/** `parley verify` as a user runs it: exit codes, what it prints, pinning to a signed agreement. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildLog, exampleParty, testParty } from '../support/log-builder.js';
import { examplesDir } from '../support/paths.js';
import { tempDir, writeLines } from '../support/temp.js';
import { verifyLogFile } from '../../src/audit/verify-file.js';
import { AuditFailure } from '../../src/protocol/log-audit.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = tempDir();
const avalon = testParty('avalon-borduria', 'avalon');
const borduria = testParty('avalon-borduria', 'borduria');
const log = buildLog({ author: avalon, witnesses: [borduria], count: 20, checkpointEvery: 7 });
const good = writeLines(dir, log.lines, 'good.jsonl');

function parley(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('parley verify', () => {
  test('exit 0 and a summary for a valid log', () => {
    const r = parley('verify', good, '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^OK /);
    assert.match(r.stdout, /statements 20, every signature valid/);
    assert.match(r.stdout, /latest size 20/);
    assert.match(r.stdout, /cosigned by: borduria at 2026-11-22T03:00:20\.000Z/);
  });

  test('--json prints the summary as JSON', () => {
    const r = parley('verify', good, '--json', '--workers', '0');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.statements, 20);
    assert.deepEqual(out.checkpoints.map((c: { size: number }) => c.size), [7, 14, 20]);
  });

  test('exit 1 naming the first bad line and the rule', () => {
    const lines = [...log.lines];
    lines[5] = lines[5]!.replace('Test incident number 4', 'Test incident number 5');
    const r = parley('verify', writeLines(dir, lines));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^INVALID /);
    assert.match(r.stderr, /line 6: statement\.signature: /);
  });

  test('--json on an invalid log says where and why', () => {
    const lines = log.lines.slice(0, 10).concat(log.lines.slice(11));
    const r = parley('verify', writeLines(dir, lines), '--json');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.valid, out.line, out.rule], [false, 11, 'statement.index']);
  });

  test('exit 2 for a missing file, a folder, an empty file, and a file that is not an export', () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const notLog = join(dir, 'not-a-log.json');
    writeFileSync(notLog, '{"hello": "world"}\n');
    for (const path of [join(dir, 'missing.jsonl'), dir, empty, notLog]) {
      const r = parley('verify', path);
      assert.equal(r.status, 2, `${path}: ${r.stderr}`);
      assert.match(r.stderr, /^parley verify: /);
    }
  });

  test('exit 2 for bad usage', () => {
    assert.equal(parley('verify').status, 2);
    assert.equal(parley('verify', good, '--workers', 'many').status, 2);
    assert.equal(parley('verify', good, '--no-such-flag').status, 2);
    assert.equal(parley('frobnicate').status, 2);
  });

  test('--help shows examples, and exits 0', () => {
    const r = parley('verify', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /--agreement/);
  });

  test('no progress on stderr when stderr is not a terminal', () => {
    const r = parley('verify', good);
    assert.equal(r.stderr, '');
  });
});

describe('parley verify --agreement', () => {
  const agreement = join(examplesDir, 'avalon-borduria.signed.json');
  const ea = exampleParty('avalon-borduria', 'avalon');
  const eb = exampleParty('avalon-borduria', 'borduria');
  const pinnedLog = buildLog({ author: ea, witnesses: [eb], count: 6, checkpointEvery: 3 });

  test('a log made with the keys the agreement pins verifies', () => {
    const r = parley('verify', writeLines(dir, pinnedLog.lines), '--agreement', agreement);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /cosigned by: borduria/);
  });

  test('a whole log made with another key, header included, is refused at line 1', () => {
    const r = parley('verify', good, '--agreement', agreement);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 1: header\.key: /);
  });

  test("witness keys come from the agreement, not from the export's header", () => {
    // A header that names a witness key of the exporter's choosing: the cosignatures then fail against the pinned key.
    const fake = buildLog({ author: ea, witnesses: [testParty('avalon-borduria', 'borduria', 'impostor')], count: 3, checkpointEvery: 3 });
    assert.equal(parley('verify', writeLines(dir, fake.lines)).status, 0);
    const r = parley('verify', writeLines(dir, fake.lines), '--agreement', agreement);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cosignature\.signature/);
  });

  test('an agreement that is not in force cannot pin keys (exit 2)', () => {
    const signed = JSON.parse(readFileSync(agreement, 'utf8'));
    const unsigned = join(dir, 'half-signed.json');
    writeFileSync(unsigned, JSON.stringify({ ...signed, signatures: signed.signatures.slice(0, 1) }));
    const r = parley('verify', writeLines(dir, pinnedLog.lines), '--agreement', unsigned);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not in force/);
  });
});

describe('any change to any statement line is caught (property)', () => {
  test('a random character replaced anywhere in a statement line fails the audit', async () => {
    const small = buildLog({ author: avalon, witnesses: [borduria], count: 6, checkpointEvery: 3 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.integer({ min: 32, max: 126 }), async (line, pos, code) => {
        const text = small.lines[line]!;
        const at = pos % text.length;
        fc.pre(text.charCodeAt(at) !== code);
        const lines = [...small.lines];
        lines[line] = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
        const path = writeLines(dir, lines);
        await assert.rejects(verifyLogFile(path, { workers: 0 }), (e: unknown) => e instanceof AuditFailure);
      }),
      { numRuns: 300 },
    );
  });
});
