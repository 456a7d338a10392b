/**
 * A push answered with a mirror larger than the log was when the push began: the peer pulled newer statements while
 * the push was in flight (backfill, or a checkpoint beyond its mirror). That is a success, not a failure — counting
 * it as one backed delivery off and dropped the receipts the answer carried.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { pushPath } from '../../src/federation/paths.js';
import { testNet, until } from './core-network.js';

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

it('a push acknowledged beyond the log size it started from counts as delivered, with its receipts', async () => {
  const net = await testNet(['avalon', 'borduria']);
  const real = net.apps.get('borduria')!;
  try {
    const avalon = net.node('avalon');
    const borduria = net.node('borduria');
    let raced = false;
    // borduria's federation app, except that the first push from avalon waits until avalon has appended once more
    // and borduria has pulled it: the push carries statement 0, borduria's mirror then holds 2.
    const racing = {
      inject: async (opts: InjectOptions) => {
        if (!raced && opts.method === 'POST' && opts.url === pushPath('avalon')) {
          raced = true;
          await avalon.send(check());
          // avalon serves ranges up to its latest checkpoint: borduria can pull statement 1 once one covers it.
          await until('avalon\'s checkpoint covers both', async () => ((await avalon.store.latestCheckpoint('avalon'))?.size ?? 0) === 2);
          assert.equal(await borduria.backfill('avalon'), 2);
        }
        return real.inject(opts);
      },
    };
    net.apps.set('borduria', racing as unknown as FastifyInstance);
    const failures: string[] = [];
    avalon.events.on('deliveryFailed', (_peer, error) => failures.push(error));

    await avalon.send(check());
    await until('avalon\'s delivery acknowledged both statements', async () => (await avalon.store.delivery('borduria'))?.ackedSize === 2);
    assert.ok(raced, 'the push raced the pull');
    assert.deepEqual(failures, [], 'nothing failed');
    assert.equal((await avalon.store.receipts('avalon', 0)).length, 1, 'the answer\'s receipt was kept');
    // The receipt of the pulled statement comes with borduria's log, as any receipt not carried by an answer.
    await until('avalon holds both receipts', async () => (await avalon.store.receipts('avalon')).length === 2);
  } finally {
    net.apps.set('borduria', real);
    await net.close();
  }
});
