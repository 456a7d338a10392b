/**
 * A node whose store lost the tail of its own log (restored from a backup, or a power cut) takes it back from its
 * peers before it signs anything, so that its next statement continues the log every peer holds instead of forking
 * it; and it does not sign a second receipt for statements it had already receipted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MemoryStore } from './core-memory-store.js';
import { testNet, until, type TestNet } from './core-network.js';

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

/** A copy of the store as it is now: what a backup taken at this moment would restore. */
function backupOf(store: MemoryStore): MemoryStore {
  const copy = new MemoryStore();
  copy.logs = new Map([...store.logs].map(([k, v]) => [k, [...v]]));
  copy.checkpointList = [...store.checkpointList];
  copy.cosignatureList = [...store.cosignatureList];
  copy.receiptList = [...store.receiptList];
  copy.evidenceList = [...store.evidenceList];
  copy.witness = new Map(store.witness);
  copy.deliveryMap = new Map(store.deliveryMap);
  copy.settings = new Map(store.settings);
  copy.tokenList = [...store.tokenList];
  return copy;
}

async function restore(net: TestNet, party: string, backup: MemoryStore): Promise<void> {
  await net.stop(party);
  net.stores.set(party, backup);
  await net.open(party);
}

async function delivered(net: TestNet, from: string, to: string): Promise<void> {
  const size = await net.node(from).store.logSize(from);
  await until(`${to} mirrors ${from}'s ${size} statements`, async () => (await net.node(to).store.logSize(from)) === size);
}

const leaves = async (net: TestNet, holder: string, log: string) => (await net.node(holder).store.statements(log, 0, 1000)).map((s) => s.hash);

describe('own log recovery', () => {
  it('takes back the own statements a restored backup lacks, and continues the log the peers hold', async () => {
    const net = await testNet(['avalon', 'borduria', 'carpania']);
    try {
      await net.node('avalon').send(check());
      await delivered(net, 'avalon', 'borduria');
      const backup = backupOf(net.stores.get('avalon') as MemoryStore);
      for (let i = 0; i < 3; i++) await net.node('avalon').send(check());
      await delivered(net, 'avalon', 'borduria');
      await delivered(net, 'avalon', 'carpania');

      await restore(net, 'avalon', backup);
      assert.equal(await net.node('avalon').store.logSize('avalon'), 4, 'the three lost statements are back');
      assert.deepEqual(await leaves(net, 'avalon', 'avalon'), await leaves(net, 'borduria', 'avalon'), 'exactly the statements the peers hold');

      const next = await net.node('avalon').send(check());
      assert.equal(next.statement.index, 4, 'the next statement continues the log');
      await delivered(net, 'avalon', 'borduria');
      await delivered(net, 'avalon', 'carpania');
      assert.deepEqual(await net.node('borduria').evidence(), [], 'no fork was seen');
      assert.deepEqual(await net.node('carpania').evidence(), [], 'no fork was seen');
    } finally {
      await net.close();
    }
  });

  it('reads again the bodies it had sealed to some of its peers', async () => {
    const net = await testNet(['avalon', 'borduria', 'carpania']);
    try {
      const backup = backupOf(net.stores.get('avalon') as MemoryStore);
      const body = { tlp: 'AMBER', references: [{ id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }], text: 'for borduria only' };
      const sent = await net.node('avalon').send({ type: 'indicators', to: ['borduria'], body });
      assert.ok(sent.statement.sealed, 'a statement to some parties but not all is sealed');
      await delivered(net, 'avalon', 'carpania');
      await restore(net, 'avalon', backup);
      const view = await net.node('avalon').statement('avalon', 0);
      assert.equal(view?.statement.hash, sent.hash, 'the same signed statement is back');
      assert.deepEqual(view?.statement.statement.body, body, 'and avalon reads what it said');
    } finally {
      await net.close();
    }
  });

  it('does not sign a second receipt for a statement it had receipted before the loss', async () => {
    const net = await testNet(['avalon', 'borduria']);
    try {
      const backup = backupOf(net.stores.get('borduria') as MemoryStore);
      for (let i = 0; i < 2; i++) await net.node('avalon').send(check());
      await until('avalon holds both receipts', async () => (await net.node('avalon').store.receipts('avalon')).length === 2);
      await delivered(net, 'borduria', 'avalon'); // avalon mirrors borduria's log: its two receipts

      await restore(net, 'borduria', backup); // borduria lost its receipts and its mirror of avalon's log
      await delivered(net, 'avalon', 'borduria'); // its start pulls avalon's statements again
      const own = (await net.node('borduria').store.statements('borduria', 0, 1000)).map((s) => JSON.parse(s.text) as { type: string; refs: { index: number }[] });
      assert.deepEqual(own.map((s) => `${s.type} of ${s.refs[0]?.index}`), ['receipt of 0', 'receipt of 1'], 'one receipt per statement, the ones taken back');
      assert.equal(await net.node('avalon').store.logSize('borduria'), 2, 'avalon was pushed nothing new');
    } finally {
      await net.close();
    }
  });

  it('takes nothing that is not signed by its own key, and starts all the same', async () => {
    const net = await testNet(['avalon', 'borduria']);
    try {
      await net.node('avalon').send(check());
      await delivered(net, 'avalon', 'borduria');
      const backup = backupOf(net.stores.get('avalon') as MemoryStore);
      await net.node('avalon').send(check());
      await delivered(net, 'avalon', 'borduria');
      // Borduria's copy of avalon's second statement, with its signature swapped for another statement's.
      const held = (net.stores.get('borduria') as MemoryStore).logs.get('avalon')!;
      const first = JSON.parse(held[0]!.text) as { sig: string };
      const second = JSON.parse(held[1]!.text) as Record<string, unknown>;
      held[1] = { ...held[1]!, text: JSON.stringify({ ...second, sig: first.sig }) };

      await restore(net, 'avalon', backup);
      assert.equal(await net.node('avalon').store.logSize('avalon'), 1, 'the forged copy was not taken');
      assert.equal((await net.node('avalon').peers()).length, 1, 'the node started and answers');
    } finally {
      await net.close();
    }
  });
});
