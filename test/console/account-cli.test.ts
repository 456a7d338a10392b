/** `parley account add` as an operator runs it, beside a running node, and the account logging in to that node. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { installAgreement } from '../../src/node/data-dir.js';
import { createLogger } from '../../src/node/logger.js';
import { runNode, type RunningNode } from '../../src/node/run-node.js';
import { initParty } from '../api/api-fixture.js';
import { agreementFor } from '../node/identity-fixtures.js';
import { runParley } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('parley-account-cli-');
let running: RunningNode | undefined;
after(async () => { await running?.close(); });

test('parley account add prints a password once, which then logs in to the running node', async () => {
  const avalon = await initParty(root, 'avalon');
  const borduria = await initParty(root, 'borduria');
  await installAgreement(avalon.dir, agreementFor([avalon, borduria]));
  running = await runNode(avalon.dir, { logger: createLogger({ level: 'silent' }), scheduler: false });

  const made = await runParley(['account', 'add', '--data', avalon.dir, '--name', 'irina', '--role', 'approver']);
  assert.equal(made.status, 0, made.stderr);
  const password = /password: (\S+)/.exec(made.stdout)?.[1];
  assert.ok(password, made.stdout);

  const login = await fetch(`${running.apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'irina', password }) });
  assert.equal(login.status, 201);
  assert.deepEqual(((await login.json()) as { role: string }).role, 'approver');

  const again = await runParley(['account', 'add', '--data', avalon.dir, '--name', 'irina', '--role', 'approver']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
  const badRole = await runParley(['account', 'add', '--data', avalon.dir, '--name', 'olga', '--role', 'tsar']);
  assert.equal(badRole.status, 2);
  assert.match(badRole.stderr, /--role must be one of duty-officer, approver, auditor, admin/);
});
