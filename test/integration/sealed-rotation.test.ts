/**
 * Encryption-key rotation with real nodes (the five-party example, mutual TLS, SQLite): borduria's operator stops
 * its node and runs `parley key rotate-encryption`; once avalon mirrors the rotation, what it seals to borduria names
 * borduria's new key, and borduria opens it — and still opens what was sealed to its old key; a third party opens
 * neither. A running node is not rotated behind its back.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoNetwork, type DemoNetwork, type DemoParty } from '../../src/demo/demo-network.js';
import { waitFor } from '../../src/demo/wait.js';
import { createLogger } from '../../src/node/logger.js';
import { runNode } from '../../src/node/run-node.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { STATEMENT_TYPES } from '../../src/protocol/statement-types.js';
import { runParley } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const before1 = `before-rotation-${randomUUID()}`;
const after1 = `after-rotation-${randomUUID()}`;
const dir = tempDir('parley-rotation-');
const silent = () => createLogger({ level: 'silent' });
let network: DemoNetwork;
const party = (id: string): DemoParty => network.parties.find((p) => p.party === id)!;
const keyLines = (p: DemoParty) => readFileSync(join(p.dir, 'encryption.key'), 'utf8').split('\n').filter((l) => l !== '');

async function sendToBorduria(marker: string, n: number): Promise<HashedStatement> {
  const example = STATEMENT_TYPES.get('notification')!.example;
  return party('avalon').running.node.send({ type: 'notification', to: ['borduria'], case: `avalon:2026-${n}`, body: { ...example, summary: marker } });
}

async function mirrored(p: DemoParty, author: string, size: number): Promise<void> {
  await waitFor(`${p.party} mirrors ${size} statements of ${author}`, 20_000, async () => p.running.node.ctx.tree(author).size >= size);
}

/** The summary of a statement as `reader`'s node shows it (undefined when it cannot open it). */
async function readBy(reader: string, s: HashedStatement): Promise<unknown> {
  const view = await party(reader).running.node.statement(s.statement.author, s.statement.index);
  return view?.statement.statement.body?.summary;
}

let old: HashedStatement;
let oldKid: string;
let rotation: { kid: string; index: number };

describe('encryption-key rotation', () => {
  before(async () => {
    network = await startDemoNetwork({ dir, parties: 5, speed: 1, loggerFor: silent });
    old = await sendToBorduria(before1, 1);
    oldKid = old.statement.sealed!.recipients.borduria!.kid;
    for (const p of ['borduria', 'syldavia']) await mirrored(party(p), 'avalon', old.statement.index + 1);
  });
  after(async () => network?.close());

  test('a running node is not rotated: the command refuses and leaves the key file alone', async () => {
    const r = await runParley(['key', 'rotate-encryption', '--data', party('borduria').dir]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is running .*stop it first/);
    assert.equal(keyLines(party('borduria')).length, 1);
  });

  test('the stopped node rotates: a new key after the old one, announced in its log', async () => {
    const b = party('borduria');
    await b.running.close();
    const r = await runParley(['key', 'rotate-encryption', '--data', b.dir, '--reason', 'scheduled']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const [, kid, index] = /new key id ([0-9a-f]{8}), announced at index (\d+)/.exec(r.stdout) ?? [];
    assert.ok(kid && index, r.stdout);
    rotation = { kid, index: Number(index) };
    assert.notEqual(rotation.kid, oldKid);
    assert.equal(keyLines(b).length, 2, 'the old key is kept');
    assert.equal(statSync(join(b.dir, 'encryption.key')).mode & 0o777, 0o600);
    b.running = await runNode(b.dir, { logger: silent() });
  });

  test("once avalon mirrors the rotation, it seals to borduria's new key, and borduria opens it", async () => {
    await mirrored(party('avalon'), 'borduria', rotation.index + 1);
    const announced = (await party('avalon').running.node.statement('borduria', rotation.index))!.statement.statement;
    assert.equal(announced.type, 'encryption-key-rotation');
    assert.equal(announced.sealed, undefined, 'a rotation is never sealed');
    assert.equal(announced.body?.kid, rotation.kid);
    const fresh = await sendToBorduria(after1, 2);
    assert.equal(fresh.statement.sealed!.recipients.borduria!.kid, rotation.kid);
    for (const p of ['borduria', 'syldavia']) await mirrored(party(p), 'avalon', fresh.statement.index + 1);
    assert.equal(await readBy('borduria', fresh), after1);
  });

  test('borduria still opens what was sealed to its old key, after its restart', async () => {
    assert.equal(await readBy('borduria', old), before1);
  });

  test('a third party opens neither, and still verifies both logs', async () => {
    assert.equal(await readBy('syldavia', old), undefined);
    const latest = await party('avalon').running.node.statement('avalon', party('avalon').running.node.ctx.tree('avalon').size - 1);
    assert.equal(await readBy('syldavia', latest!.statement), undefined);
    await mirrored(party('syldavia'), 'borduria', rotation.index + 1);
    const peers = await party('syldavia').running.node.peers();
    for (const p of ['avalon', 'borduria']) assert.equal(peers.find((x) => x.party === p)?.verification, 'verified', p);
  });
});
