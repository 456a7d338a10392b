/**
 * Witnessing inside whole nodes (the core's PartyNode and federation app): honest parties that talk cosign each
 * other's checkpoints, and gossip among them finds nothing to accuse anyone of.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { openCheckpoint } from '../../src/protocol/checkpoint.js';
import { forEachStore } from '../support/stores.js';
import { testNet, until, type TestNet } from './core-network.js';

const PARTIES = ['avalon', 'borduria', 'carpathia'];

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

/** Whether every log is fully delivered, checkpointed at its size, and that checkpoint cosigned by every other party. */
async function settled(net: TestNet): Promise<boolean> {
  for (const author of PARTIES) {
    const node = net.node(author);
    const size = await node.store.logSize(author);
    const latest = await node.store.latestCheckpoint(author);
    if (latest?.size !== size) return false;
    const witnesses = (await node.store.cosignatures(author, size)).map((c) => c.witness).sort();
    if (witnesses.join() !== PARTIES.filter((p) => p !== author).join()) return false;
    for (const peer of PARTIES.filter((p) => p !== author)) if ((await net.node(peer).store.logSize(author)) !== size) return false;
  }
  return true;
}

forEachStore('witnessing between party nodes', (makeStore) => {
  it('each log is cosigned by every other party, and every view of every log agrees', async () => {
    const net = await testNet(PARTIES, makeStore);
    try {
      for (const p of PARTIES) await net.node(p).send(check());
      await until('every log delivered, checkpointed and cosigned by every peer', () => settled(net));
      for (const p of PARTIES) await net.node(p).witnessing.gossipNow();
      for (const p of PARTIES) {
        const node = net.node(p);
        assert.deepEqual(await node.evidence(), [], `no evidence at ${p}`);
        const view = await node.witnessing.latestCheckpoints();
        assert.deepEqual(Object.keys(view).sort(), PARTIES);
        for (const author of PARTIES) {
          // Each node shows each log at its full size, with the cosignatures of both of that log's witnesses.
          const vkeys = PARTIES.filter((w) => w !== author).map((w) => net.agreement.parties.find((x) => x.id === w)!.signingKey);
          const logVkey = net.agreement.parties.find((x) => x.id === author)!.signingKey;
          const opened = openCheckpoint(view[author]!, logVkey, vkeys);
          assert.equal(opened.checkpoint.size, await node.store.logSize(author));
          assert.equal(opened.cosignedBy.length, 2, `${p}'s view of ${author}`);
        }
      }
    } finally {
      await net.close();
    }
  });
});
