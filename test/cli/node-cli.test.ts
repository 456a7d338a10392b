/**
 * `parley serve`, `send`, `cases` and `export` as an operator runs them, against a real node started by runNode
 * from a data directory made by initDataDir, with the agreement re-made for its keys and installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { installAgreement } from '../../src/node/data-dir.js';
import { initParty } from '../api/api-fixture.js';
import { createLogger } from '../../src/node/logger.js';
import { ADMIN_TOKEN_FILE, runNode, type RunningNode } from '../../src/node/run-node.js';
import { ApiClient } from '../../src/cli/api-client.js';
import { casesTable } from '../../src/cli/cases-command.js';
import { PARLEY_CLI, runParley } from '../support/cli.js';
import type { CaseState } from '../../src/protocol/case-state.js';
import { agreementFor } from '../node/identity-fixtures.js';
import { tempDir } from '../support/temp.js';



/** Runs the CLI without blocking this process, whose node must keep answering the CLI's requests. */
const parley = runParley;

const notification = JSON.stringify({ category: 'availability.ddos', severity: 'high', summary: 'DDoS against the election portal', actions: ['investigate'] });

// Made here, not in a hook: tempDir removes its folder when the suite that registered it ends.
const root = tempDir('parley-cli-');
let avalonDir: string;
let borduriaDir: string;
let running: RunningNode;
let logText = '';
let dutyToken: string;

before(async () => {
  const avalon = await initParty(root, 'avalon');
  const borduria = await initParty(root, 'borduria');
  const signed = agreementFor([avalon, borduria]);
  await installAgreement(avalon.dir, signed);
  await installAgreement(borduria.dir, signed);
  avalonDir = avalon.dir;
  borduriaDir = borduria.dir;
  const destination = new Writable({ write(chunk, _e, done) { logText += String(chunk); done(); } });
  running = await runNode(avalonDir, { logger: createLogger({ level: 'info', destination }), scheduler: false, peerTimeoutMs: 500 });
  const admin = readFileSync(join(avalonDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  dutyToken = (await new ApiClient(running.apiUrl, admin).post<{ token: string }>('/api/v1/tokens', { name: 'cli test', role: 'duty-officer' })).token;
});
after(async () => { await running?.close(); });

describe('runNode', () => {
  test('the first run leaves an admin token only its owner can read, and the log says where without saying it', () => {
    const path = join(avalonDir, ADMIN_TOKEN_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const token = readFileSync(path, 'utf8').trim();
    assert.match(token, /^parley_/);
    assert.ok(logText.includes(ADMIN_TOKEN_FILE));
    assert.ok(!logText.includes(token));
  });

  test('the API listens on 127.0.0.1 and answers /healthz', async () => {
    assert.match(running.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.apiUrl}/healthz`);
    assert.deepEqual(await res.json(), { status: 'ok', party: 'avalon', logSize: await running.node.store.logSize('avalon') });
    assert.match(running.federationUrl, /^https:\/\//);
  });
});

describe('parley send and parley cases', () => {
  test('send signs through the API; cases shows the case from the API and from the data directory', async () => {
    const sent = await parley(['send', '--api', running.apiUrl, '--token', dutyToken, '--type', 'notification', '--to', 'borduria', '--case', 'avalon:cli-1', '--body', notification]);
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /^sent avalon\/\d+ notification in avalon:cli-1 to borduria/);

    const viaApi = await parley(['cases', '--api', running.apiUrl], { PARLEY_TOKEN: dutyToken });
    assert.equal(viaApi.status, 0, viaApi.stderr);
    assert.match(viaApi.stdout, /^CASE\s+STATUS\s+TIER/);
    assert.match(viaApi.stdout, /avalon:cli-1\s+open\s+technical/);
    assert.match(viaApi.stdout, /ack by borduria due /);

    const offline = await parley(['cases', '--data', avalonDir, '--json']);
    assert.equal(offline.status, 0, offline.stderr);
    assert.deepEqual((JSON.parse(offline.stdout) as CaseState[]).map((c) => c.id), ['avalon:cli-1']);
  });

  test('send --data reads the API address from node.json and --body @file', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(root, 'body.json');
    writeFileSync(file, notification);
    const sent = await parley(['send', '--data', avalonDir, '--type', 'notification', '--case', 'avalon:cli-2', '--body', `@${file}`], { PARLEY_TOKEN: dutyToken });
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /in avalon:cli-2 to borduria/);
  });

  test('a refused draft prints the rule and the field, exit 1; bad usage exits 2', async () => {
    const bad = await parley(['send', '--api', running.apiUrl, '--token', dutyToken, '--type', 'notification', '--case', 'avalon:cli-3', '--body', notification.replace('"high"', '"apocalyptic"')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /refused \(422 body\.unknown-code at body\.severity\)/);
    const admin = readFileSync(join(avalonDir, ADMIN_TOKEN_FILE), 'utf8').trim();
    const forbidden = await parley(['send', '--data', avalonDir, '--token', admin, '--type', 'notification', '--case', 'avalon:cli-3', '--body', notification]);
    assert.equal(forbidden.status, 1);
    assert.match(forbidden.stderr, /403 auth\.role/);
    const notJson = await parley(['send', '--api', running.apiUrl, '--token', dutyToken, '--type', 'notification', '--body', '{nope']);
    assert.equal(notJson.status, 2);
    assert.match(notJson.stderr, /--body is not JSON/);
  });
});

describe('parley export', () => {
  test('exports the own log of a stopped node, and parley verify accepts it', async () => {
    await running.close();
    const out = join(root, 'avalon.jsonl');
    const exported = await parley(['export', '--data', avalonDir, '--out', out]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /exported avalon's log/);
    const verified = await parley(['verify', out, '--workers', '0', '--agreement', join(avalonDir, 'agreement.json')]);
    assert.equal(verified.status, 0, verified.stderr + verified.stdout);
    assert.match(verified.stdout, /^OK /);
  });
});

describe('parley serve', () => {
  test('runs a node until SIGTERM and stops cleanly', async () => {
    const child = spawn(process.execPath, [PARLEY_CLI, 'serve', '--data', borduriaDir, '--api-port', '0', '--no-scheduler']);
    let stderr = '';
    const apiUrl = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += String(d);
        const m = /API (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1] as string);
      });
      child.on('close', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const health = await fetch(`${apiUrl}/healthz`);
    assert.equal(health.status, 200);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping/);
  });

  test('--help shows examples for every node command', async () => {
    for (const command of ['serve', 'send', 'cases', 'export']) {
      const r = await parley([command, '--help']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`Examples:\\n[^]*\\$ parley ${command} `), command);
    }
  });
});

describe('the cases table', () => {
  test('marks overdue deadlines and counts the cases that have one', () => {
    const base = { openedBy: { party: 'avalon', index: 0, hash: '0'.repeat(64) }, kind: 'notification', category: 'availability.ddos', severity: 'high', activity: null, closed: null, participants: ['avalon', 'borduria'], needsEscalation: false, timeline: [], related: [], issues: [] };
    const cases = [
      { ...base, id: 'avalon:1', opener: 'avalon', opened: '2026-11-22T03:00:00.000Z', tier: 'technical', status: 'open', deadlines: [{ kind: 'acknowledgement', party: 'borduria', statement: '0'.repeat(64), from: '2026-11-22T03:00:00.000Z', due: '2026-11-22T07:00:00.000Z', overdue: true }] },
      { ...base, id: 'avalon:2', opener: 'avalon', opened: '2026-11-22T05:00:00.000Z', tier: 'diplomatic', status: 'acknowledged', deadlines: [{ kind: 'acknowledgement', party: 'borduria', statement: '1'.repeat(64), from: '2026-11-22T05:00:00.000Z', due: '2026-11-22T09:00:00.000Z', met: '2026-11-22T06:00:00.000Z', overdue: false }] },
    ] as CaseState[];
    const table = casesTable(cases);
    assert.match(table, /avalon:1 .* ack by borduria due 2026-11-22 07:00Z OVERDUE/);
    assert.match(table, /avalon:2 .* ack by borduria: met 2026-11-22 06:00Z$/m);
    assert.match(table, /2 case\(s\), 1 with an overdue deadline/);
  });
});
