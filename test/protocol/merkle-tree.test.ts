/**
 * MerkleTree and RootAccumulator give the same roots and proofs as the RFC's recursive definitions (merkle.ts),
 * at every size, while costing O(log n) hashes per question.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toHex, utf8 } from '../../src/protocol/encoding.js';
import { FormatError, ProofError } from '../../src/protocol/errors.js';
import { consistencyProof, emptyRoot, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../src/protocol/merkle.js';
import { MerkleTree, RootAccumulator } from '../../src/protocol/merkle-tree.js';

function leaves(count: number, seed: string): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafHash(utf8(`${seed}:${i}`)));
}

const hex = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);

describe('MerkleTree equals the RFC definitions', () => {
  test('every root, inclusion proof and consistency proof of every size up to 100', () => {
    const all = leaves(100, 'small');
    const tree = MerkleTree.fromLeafHashes(all);
    assert.equal(toHex(tree.root(0)), toHex(emptyRoot()));
    for (let size = 1; size <= all.length; size++) {
      assert.equal(toHex(tree.root(size)), toHex(rootOf(all.slice(0, size))), `root ${size}`);
      for (let index = 0; index < size; index++) {
        assert.deepEqual(hex(tree.inclusionProof(index, size)), hex(inclusionProof(all, index, size)), `leaf ${index} of ${size}`);
      }
      for (let size1 = 0; size1 <= size; size1++) {
        assert.deepEqual(hex(tree.consistencyProof(size1, size)), hex(consistencyProof(all, size1, size)), `${size1} to ${size}`);
      }
    }
  });

  test('random sizes up to 5000: root, proofs, all against the functional ones and the verifiers', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.nat(), fc.nat(), (total, a, b, c) => {
      const all = leaves(total, `big-${total}-${a}`);
      const tree = MerkleTree.fromLeafHashes(all);
      const size2 = 1 + (a % total);
      const size1 = b % (size2 + 1);
      const index = c % size2;
      const root2 = rootOf(all.slice(0, size2));
      const root1 = rootOf(all.slice(0, size1));
      assert.equal(toHex(tree.root(size2)), toHex(root2));
      assert.equal(toHex(tree.root(size1)), toHex(root1));
      const inclusion = tree.inclusionProof(index, size2);
      assert.deepEqual(hex(inclusion), hex(inclusionProof(all, index, size2)));
      verifyInclusion(tree.leafHash(index), index, size2, inclusion, tree.root(size2));
      const consistency = tree.consistencyProof(size1, size2);
      assert.deepEqual(hex(consistency), hex(consistencyProof(all, size1, size2)));
      verifyConsistency(size1, size2, tree.root(size1), tree.root(size2), consistency);
      // Defaults: the whole tree.
      assert.equal(toHex(tree.root()), toHex(rootOf(all)));
      assert.deepEqual(hex(tree.inclusionProof(index)), hex(inclusionProof(all, index)));
      assert.deepEqual(hex(tree.consistencyProof(size1)), hex(consistencyProof(all, size1, total)));
    }), { numRuns: 40 });
  });

  test('roots of earlier sizes do not change as the tree grows', () => {
    const all = leaves(1500, 'grow');
    const tree = new MerkleTree();
    const seen: string[] = [toHex(tree.root())];
    for (const leaf of all) {
      assert.equal(tree.append(leaf), seen.length - 1, 'append returns the new index');
      seen.push(toHex(tree.root()));
    }
    assert.equal(tree.size, all.length);
    seen.forEach((root, size) => assert.equal(toHex(tree.root(size)), root, `size ${size}`));
    all.forEach((leaf, i) => assert.equal(toHex(tree.leafHash(i)), toHex(leaf)));
  });
});

describe('RootAccumulator', () => {
  test('gives the root of what was pushed, at every size up to 5000, equal to the tree and to MTH', () => {
    const all = leaves(5000, 'stream');
    const tree = new MerkleTree();
    const acc = new RootAccumulator();
    assert.equal(toHex(acc.root()), toHex(emptyRoot()));
    for (const [i, leaf] of all.entries()) {
      acc.push(leaf);
      tree.append(leaf);
      assert.equal(acc.size, i + 1);
      assert.equal(toHex(acc.root()), toHex(tree.root()), `size ${i + 1}`);
    }
    for (const size of [1, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 4095, 4096, 4097, 5000]) {
      assert.equal(toHex(tree.root(size)), toHex(rootOf(all.slice(0, size))), `MTH at ${size}`);
    }
  });

  test('refuses a leaf hash that is not 32 bytes', () => {
    assert.throws(() => new RootAccumulator().push(new Uint8Array(31)), FormatError);
  });
});

describe('MerkleTree keeps its hashes to itself', () => {
  test('writing into returned hashes, or into an appended one afterwards, changes nothing', () => {
    const all = leaves(11, 'alias');
    const tree = new MerkleTree();
    const mine = all.map((l) => l.slice());
    mine.forEach((l) => tree.append(l));
    mine.forEach((l) => l.fill(0));
    const before = [toHex(tree.root()), toHex(tree.root(8)), ...hex(tree.inclusionProof(3)), ...hex(tree.consistencyProof(6))];
    for (const h of [tree.root(), tree.root(8), tree.root(1), tree.leafHash(3), ...tree.inclusionProof(3), ...tree.consistencyProof(6)]) h.fill(0xff);
    const acc = new RootAccumulator();
    acc.push(all[0]!);
    acc.root().fill(0xff);
    assert.deepEqual([toHex(tree.root()), toHex(tree.root(8)), ...hex(tree.inclusionProof(3)), ...hex(tree.consistencyProof(6))], before);
    assert.equal(toHex(tree.root()), toHex(rootOf(all)));
    assert.equal(toHex(acc.root()), toHex(all[0]!));
  });
});

describe('MerkleTree refuses impossible questions', () => {
  const tree = MerkleTree.fromLeafHashes(leaves(5, 'errors'));
  const refuses = (rule: string, run: () => unknown, pattern: RegExp) =>
    assert.throws(run, (e: unknown) => e instanceof ProofError && e.rule === rule && pattern.test(e.message));

  test('sizes and indices beyond the tree', () => {
    refuses('merkle.tree', () => tree.root(6), /tree size 6 is beyond the 5 leaves/);
    refuses('merkle.tree', () => tree.leafHash(5), /leaf index 5 is not in a tree of size 5/);
    refuses('merkle.inclusion', () => tree.inclusionProof(5), /leaf index 5 is not in a tree of size 5/);
    refuses('merkle.inclusion', () => tree.inclusionProof(0, 6), /tree size 6 is beyond/);
    refuses('merkle.consistency', () => tree.consistencyProof(4, 3), /size1 4 is not between 0 and size2 3/);
    refuses('merkle.consistency', () => tree.consistencyProof(1, 6), /size2 6 is beyond/);
    refuses('merkle.tree', () => tree.root(-1), /tree size -1/);
    refuses('merkle.inclusion', () => tree.inclusionProof(0.5), /leaf index 0.5/);
  });

  test('a leaf hash that is not 32 bytes', () => {
    assert.throws(() => tree.append(new Uint8Array(33)), (e: unknown) => e instanceof FormatError && /leaf hash 5 is not 32 bytes/.test(e.message));
    assert.equal(tree.size, 5, 'nothing was appended');
  });
});
