/**
 * `parley demo` as a user runs it: two real nodes, the whole scenario, the audit; with --exit --json the exit status
 * and the summary say whether everything verified, and --data keeps each party's directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';
import { runParley } from '../support/cli.js';


const parley = runParley;

interface Summary {
  ok: boolean;
  clock: { speed: number; note: string };
  steps: Array<{ text: string; statements: Array<{ party: string; index: number; hash: string }> }>;
  audit: { ok: boolean; alarms: unknown[]; logs: Array<{ party: string; verified: boolean; statements: number; cosignedBy: string[]; exportFile: string; mirrors: Array<{ party: string; agrees: boolean }> }> };
  nodes: Array<{ party: string; api: string; adminToken: string; console: { url: string; name: string; password: string } }>;
}

test('the bilateral demo plays the whole scenario, verifies every log, and keeps the data with --data', async () => {
  const data = tempDir('parley-demo-test-');
  const r = await parley(['demo', '--exit', '--json', '--data', data]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const summary = JSON.parse(r.stdout) as Summary;
  assert.equal(summary.ok, true);
  assert.match(summary.clock.note, /faster than real time/);
  const story = summary.steps.map((s) => s.text).join('\n');
  for (const what of ['prior notice', 'election infrastructure', 'signed receipt', 'acknowledges', 'requests information and attaches indicators', 'responds', 'escalates', 'communication check', 'closes', 'affirm']) {
    assert.ok(story.includes(what), `the story tells "${what}":\n${story}`);
  }
  assert.deepEqual(summary.audit.logs.map((l) => l.party), ['avalon', 'borduria']);
  for (const log of summary.audit.logs) {
    assert.equal(log.verified, true);
    assert.ok(log.statements > 5);
    assert.equal(log.cosignedBy.length, 1, `${log.party}'s latest checkpoint is cosigned by the other party`);
    assert.ok(log.mirrors.every((m) => m.agrees));
  }
  assert.deepEqual(summary.audit.alarms, []);
  for (const n of summary.nodes) {
    assert.equal(n.console.url, `${n.api}/`, `${n.party}'s console is served by its node`);
    assert.equal(n.console.name, 'approver');
    assert.ok(n.console.password.length >= 20, 'a generated password');
  }
  for (const party of ['avalon', 'borduria']) {
    assert.ok(existsSync(join(data, party, 'node.json')), `${party}'s data directory is kept`);
    assert.ok(existsSync(join(data, party, 'parley.db')));
  }
  // The export the demo audited passes the stand-alone `parley verify` too, with the installed agreement's keys.
  const avalonExport = summary.audit.logs[0]!.exportFile;
  const verified = await parley(['verify', avalonExport, '--agreement', join(data, 'avalon', 'agreement.json')]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^OK /);
});

test('the demo refuses a number of parties it has no example agreement for, with a usage error', async () => {
  const r = await parley(['demo', '--parties', '3', '--exit']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--parties must be 2 .* or 5/);
});
