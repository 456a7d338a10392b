/**
 * Issue 7's main test: in the five-party example agreement, with real nodes (mutual TLS, SQLite), a bilateral
 * statement's body — carrying a unique marker — cannot be read from a third party's database file (its raw bytes,
 * WAL included) nor from any export, while the third party mirrors and audits the log; the addressee reads the body
 * through its API. A statement to every party, with another marker, is found by the same search: the search works.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoNetwork, type DemoNetwork, type DemoParty } from '../../src/demo/demo-network.js';
import { waitFor } from '../../src/demo/wait.js';
import { createLogger } from '../../src/node/logger.js';
import { exportOwnLog } from '../../src/node/node-export.js';
import { parseStatement, verifyStatementSignature, type HashedStatement, type Statement } from '../../src/protocol/statement.js';
import { parseVerifierKey } from '../../src/protocol/note-key.js';
import { STATEMENT_TYPES } from '../../src/protocol/statement-types.js';
import { runParley } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const secret = `sealed-marker-${randomUUID()}`;
const open = `plain-marker-${randomUUID()}`;

let network: DemoNetwork;
// Made here, not in a hook: tempDir's cleanup would run as soon as the hook that made it ends.
const dir = tempDir('parley-sealed-');
const out = tempDir('parley-sealed-out-');
const party = (id: string): DemoParty => network.parties.find((p) => p.party === id)!;

/** The raw bytes of a node's SQLite database and its write-ahead log, as a disk image would show them. */
function databaseBytes(p: DemoParty): string {
  const file = join(p.dir, 'parley.db');
  return ['', '-wal', '-shm'].map((suffix) => (existsSync(file + suffix) ? readFileSync(file + suffix).toString('latin1') : '')).join('\n');
}

async function mirrored(p: DemoParty, author: string, size: number): Promise<void> {
  await waitFor(`${p.party} mirrors ${size} statements of ${author}`, 20_000, async () => p.running.node.ctx.tree(author).size >= size);
}

let bilateral: HashedStatement;

interface StatementView {
  hash: string;
  statement: Statement;
  body: { summary?: string } | null;
  sealedTo: string[] | null;
}

async function api(p: DemoParty, path: string, post?: unknown, token = p.adminToken): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(post ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(`${p.running.apiUrl}/api/v1${path}`, { method: post ? 'POST' : 'GET', headers, ...(post ? { body: JSON.stringify(post) } : {}) });
  return { status: res.status, text: await res.text() };
}

/** What anyone holding the API's JSON can check: it is the statement avalon signed, byte for byte. */
function assertSignedByAvalon(json: Statement, hash: string): void {
  const parsed = parseStatement(json);
  assert.equal(parsed.hash, hash, 'the same signed statement');
  const vkey = network.parties[0]!.running.node.agreement.parties.find((x) => x.id === 'avalon')!.signingKey;
  verifyStatementSignature(parsed.statement, parseVerifierKey(vkey).publicKey);
}

describe('a bilateral statement in the five-party agreement', () => {
  before(async () => {
    network = await startDemoNetwork({ dir, parties: 5, speed: 1, loggerFor: () => createLogger({ level: 'silent' }) });
    const example = STATEMENT_TYPES.get('notification')!.example;
    const avalon = party('avalon').running.node;
    bilateral = await avalon.send({ type: 'notification', to: ['borduria'], case: 'avalon:2026-0042', body: { ...example, summary: `DDoS ${secret}` } });
    const toAll = await avalon.send({ type: 'notification', case: 'avalon:2026-0043', body: { ...example, summary: `DDoS ${open}` } });
    for (const p of network.parties.filter((x) => x.party !== 'avalon')) await mirrored(p, 'avalon', toAll.statement.index + 1);
  });
  after(async () => network?.close());

  test('the author signs the sealed form, and reads its own statement', () => {
    assert.ok(bilateral.statement.sealed, 'the statement is sealed');
    assert.ok(!Buffer.from(bilateral.leaf).toString('utf8').includes(secret), 'the signed leaf does not hold the body');
    assert.match(String(bilateral.statement.body?.summary), new RegExp(secret));
  });

  test('the addressee reads the body through its API, beside the statement as signed', async () => {
    const res = await api(party('borduria'), `/statements/avalon/${bilateral.statement.index}`);
    assert.equal(res.status, 200);
    const json = JSON.parse(res.text) as StatementView;
    assert.equal(json.body?.summary, `DDoS ${secret}`);
    assert.deepEqual(json.sealedTo, ['avalon', 'borduria']);
    assert.equal(json.statement.body, undefined, 'the statement is shown as signed: sealed, no body inside');
    assertSignedByAvalon(json.statement, bilateral.hash);
  });

  test("a third party's API shows the statement as signed but never its body, in the statement and the case", async () => {
    const s = party('syldavia');
    const res = await api(s, `/statements/avalon/${bilateral.statement.index}`);
    assert.equal(res.status, 200);
    const json = JSON.parse(res.text) as StatementView;
    assert.equal(json.body, null);
    assert.deepEqual(json.sealedTo, ['avalon', 'borduria']);
    assertSignedByAvalon(json.statement, bilateral.hash);
    assert.ok(!res.text.includes(secret));
    const theirCase = await api(s, '/cases/avalon:2026-0042');
    assert.equal(theirCase.status, 200);
    assert.ok(!theirCase.text.includes(secret), "the third party's case view holds no sealed body");
    assert.equal((JSON.parse(theirCase.text) as { category: string | null }).category, null);
    const addresseeCase = await api(party('borduria'), '/cases/avalon:2026-0042');
    assert.ok(addresseeCase.text.includes(secret), "the addressee's case view holds the opened body (the search works)");
  });

  test("a sealed statement sent through the API is answered as signed, with the author's opened body beside it", async () => {
    const example = STATEMENT_TYPES.get('notification')!.example;
    const marker = `sent-marker-${randomUUID()}`;
    const officer = JSON.parse((await api(party('avalon'), '/tokens', { name: 'duty officer', role: 'duty-officer' })).text) as { token: string };
    const res = await api(party('avalon'), '/statements', { type: 'notification', to: ['genovia'], case: 'avalon:2026-0044', body: { ...example, summary: marker } }, officer.token);
    assert.equal(res.status, 201, res.text);
    const json = JSON.parse(res.text) as StatementView;
    assert.equal(json.body?.summary, marker);
    assert.deepEqual(json.sealedTo, ['avalon', 'genovia']);
    assert.ok(!JSON.stringify(json.statement).includes(marker));
    assertSignedByAvalon(json.statement, json.hash);
  });

  test("a third party holds the statement, verified, but not its body: not in its API, its database or its WAL", async () => {
    const s = party('syldavia');
    const view = await s.running.node.statement('avalon', bilateral.statement.index);
    assert.equal(view?.statement.hash, bilateral.hash);
    assert.equal(view?.statement.statement.body, undefined);
    assert.deepEqual(Object.keys(view!.statement.statement.sealed!.recipients), ['avalon', 'borduria']);
    const peers = await s.running.node.peers();
    assert.equal(peers.find((p) => p.party === 'avalon')?.verification, 'verified');
    const bytes = databaseBytes(s);
    assert.ok(bytes.includes(open), 'the search finds a body every party may read (the method works)');
    assert.ok(!bytes.includes(secret), 'the sealed body is not in the third party\'s database');
  });

  test('the addressee keeps only the sealed form on disk too', () => {
    const bytes = databaseBytes(party('borduria'));
    assert.ok(bytes.includes(open));
    assert.ok(!bytes.includes(secret));
  });

  test("the third party's view of the case shows its visible metadata only", async () => {
    const c = await party('syldavia').running.node.caseById('avalon:2026-0042');
    assert.ok(c, 'the case is listed');
    assert.equal(c.category, null, 'the category is sealed');
    assert.equal(c.severity, null, 'the severity is sealed');
    const readable = await party('borduria').running.node.caseById('avalon:2026-0042');
    assert.equal(readable?.severity, 'high');
  });

  test('exports hold no body they seal, and the third party audits the log without any key', async () => {
    const avalonExport = join(out, 'avalon.jsonl');
    const syldaviaExport = join(out, 'syldavia.jsonl');
    await exportOwnLog(party('avalon').running.node, avalonExport);
    await exportOwnLog(party('syldavia').running.node, syldaviaExport);
    for (const f of [avalonExport, syldaviaExport]) assert.ok(!readFileSync(f, 'latin1').includes(secret), f);
    assert.ok(readFileSync(avalonExport, 'utf8').includes(open));
    const audit = await runParley(['verify', avalonExport, '--agreement', join(party('syldavia').dir, 'agreement.json')]);
    assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  });
});
