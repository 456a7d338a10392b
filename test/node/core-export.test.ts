import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { verifyLogFile } from '../../src/audit/verify-file.js';
import { exportOwnLog } from '../../src/node/node-export.js';
import { forEachStore } from '../support/stores.js';
import { tempDir } from '../support/temp.js';
import { testNet, until } from './core-network.js';

const check = () => ({ type: 'communication-check', body: { nonce: randomBytes(16).toString('hex'), scheduled: false } });

forEachStore('export of the own log', (makeStore) => {
  it('writes an export that `parley verify` passes against the agreement, with the witnesses\' cosignatures', async () => {
    const net = await testNet(['avalon', 'borduria', 'carpathia'], makeStore);
    try {
      const avalon = net.node('avalon');
      for (let i = 0; i < 3; i++) await avalon.send(check());
      await until('both witnesses cosigned the whole log', async () => {
        const cp = await avalon.store.latestCheckpoint('avalon');
        return cp?.size === 3 && new Set((await avalon.store.cosignatures('avalon', 3)).map((c) => c.witness)).size === 2;
      });
      const path = join(tempDir(), 'avalon.jsonl');
      assert.equal(await exportOwnLog(avalon, path), 3);
      const pinned = Object.fromEntries(net.agreement.parties.map((p) => [p.id, [p.signingKey]]));
      const summary = await verifyLogFile(path, { workers: 0, pinned });
      assert.equal(summary.statements, 3);
      const last = summary.checkpoints.at(-1)!;
      assert.equal(last.size, 3);
      assert.deepEqual(last.cosignedBy.map((c) => c.witness).sort(), ['borduria', 'carpathia']);

      // The same file with one statement's body changed is refused: the export carries what was signed, nothing else.
      const tampered = join(tempDir(), 'tampered.jsonl');
      await writeFile(tampered, (await readFile(path, 'utf8')).replace('"scheduled":false', '"scheduled":true'));
      await assert.rejects(verifyLogFile(tampered, { workers: 0, pinned }), /signature/);
    } finally {
      await net.close();
    }
  });
});
