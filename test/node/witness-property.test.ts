import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { verifyCosignature } from '../../src/protocol/cosignature.js';
import { verifyEquivocation, type Equivocation } from '../../src/protocol/equivocation.js';
import { MerkleTree } from '../../src/protocol/merkle-tree.js';
import { parseNote } from '../../src/protocol/signed-note.js';
import { formatAddCheckpointRequest } from '../../src/protocol/witness.js';
import { forEachStore } from '../support/stores.js';
import { checkpointNote, grow, leaves, TestNetwork } from './witness-harness.js';

type Step =
  | { op: 'append'; count: number }
  | { op: 'checkpoint' }
  /** A checkpoint of an already-cosigned size (picked by `pick`) with another root, sent with some old size. */
  | { op: 'forge'; pick: number; old: 'witnessed' | 'same' | 'zero' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant('checkpoint' as const) }),
  fc.record({ op: fc.constant('forge' as const), pick: fc.nat(), old: fc.constantFrom('witnessed' as const, 'same' as const, 'zero' as const) }),
);

/** The honest log's first size-1 leaves and a different last one: another root at the same size. */
function forgedTree(honest: MerkleTree, size: number, label: string): MerkleTree {
  const tree = new MerkleTree();
  for (let i = 0; i < size - 1; i++) tree.append(honest.leafHash(i));
  for (const h of leaves(label, size - 1, 1)) tree.append(h);
  return tree;
}

forEachStore('witnessing property', (makeStore, driver) => {
  it('every honest checkpoint is cosigned; every forged root at a cosigned size is refused with evidence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const net = new TestNetwork(['a', 'b']);
        try {
          const witness = await net.addNode('b', await makeStore());
          const a = net.party('a');
          const log = new MerkleTree();
          const cosignedSizes: number[] = [];
          let witnessed = 0;
          let forgeries = 0;
          for (const [n, s] of steps.entries()) {
            if (s.op === 'append') grow(log, 'a', s.count);
            else if (s.op === 'checkpoint') {
              const note = checkpointNote(a, log);
              const body = formatAddCheckpointRequest({ oldSize: witnessed, proof: log.consistencyProof(witnessed), note });
              const answer = await witness.witnessing.addCheckpoint('a', body);
              assert.equal(answer.status, 200, answer.body);
              verifyCosignature(parseNote(note).text, answer.body, net.party('b').vkey);
              witnessed = log.size;
              if (log.size > 0) cosignedSizes.push(log.size);
            } else if (cosignedSizes.length > 0) {
              const size = cosignedSizes[s.pick % cosignedSizes.length]!;
              const forged = forgedTree(log, size, `forgery ${n}`);
              const oldSize = s.old === 'witnessed' ? witnessed : s.old === 'same' ? size : 0;
              const proof = oldSize <= size ? forged.consistencyProof(oldSize, size) : [];
              const answer = await witness.witnessing.addCheckpoint('a', formatAddCheckpointRequest({ oldSize, proof, note: checkpointNote(a, forged) }));
              assert.notEqual(answer.status, 200);
              forgeries++;
            }
          }
          const evidence = await witness.ctx.store.evidence();
          assert.equal(evidence.length, forgeries);
          for (const e of evidence) {
            assert.equal(e.kind, 'equivocation');
            verifyEquivocation(e.material as Equivocation, a.vkey);
          }
          assert.equal((await witness.ctx.store.witnessRecord('a'))?.size ?? 0, witnessed);
        } finally {
          await net.close();
        }
      }),
      // A fresh PostgreSQL database per run costs about a second: fewer runs there, the logic is the same.
      { numRuns: driver === 'sqlite' ? 40 : 8 },
    );
  });
});
