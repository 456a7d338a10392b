/**
 * The functional Merkle log of merkle.ts: published answers of the RFC 6962 reference test tree, the edge rules of
 * RFC 9162 2.1.3.2 / 2.1.4.2, and properties on random trees of up to a few thousand leaves.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, toHex, utf8 } from '../../src/protocol/encoding.js';
import { FormatError, ProofError } from '../../src/protocol/errors.js';
import {
  consistencyProof, emptyRoot, inclusionProof, leafHash, rootFromInclusion, rootOf, verifyConsistency, verifyInclusion,
} from '../../src/protocol/merkle.js';

/**
 * The 8-leaf test tree of the reference implementations and its published answers, from transparency-dev/merkle
 * proof/verify_test.go (the same data as google/certificate-transparency's merkle_tree_test.cc). Apache-2.0.
 */
const TEST_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const PUBLISHED_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const PUBLISHED_INCLUSION: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const PUBLISHED_CONSISTENCY: Array<{ size1: number; size2: number; proof: string[] }> = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

const testLeaves = TEST_LEAVES.map((h) => leafHash(fromHex(h)));

/** Distinct leaf hashes: equal leaves would give equal subtrees, and a swapped proof could then verify by chance. */
function leaves(count: number, seed: string): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafHash(utf8(`${seed}/${i}`)));
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}

function rejects(rule: string, run: () => void, what: string): void {
  assert.throws(run, (e: unknown) => e instanceof ProofError && e.rule === rule, what);
}

/** The proof with one element dropped, one inserted (a random hash or a copy of a neighbour), at every position. */
function mutilated(proof: readonly Uint8Array[], extra: Uint8Array): Array<{ what: string; proof: Uint8Array[] }> {
  const out: Array<{ what: string; proof: Uint8Array[] }> = [];
  for (let i = 0; i < proof.length; i++) out.push({ what: `dropped ${i}`, proof: proof.filter((_, j) => j !== i) });
  for (let i = 0; i <= proof.length; i++) {
    out.push({ what: `extra at ${i}`, proof: [...proof.slice(0, i), extra, ...proof.slice(i)] });
    if (i > 0) out.push({ what: `repeated ${i - 1}`, proof: [...proof.slice(0, i), proof[i - 1]!, ...proof.slice(i)] });
  }
  return out;
}

/**
 * Which side each proof hash is hashed on, by transparency-dev/merkle's decomposition of a proof into an inner part
 * (by the index's bits) and a border part (always on the left) — a different derivation from the RFC loop under test.
 * Inclusion and consistency proofs do not encode the tree size: two sizes with one shape share their proofs, which
 * is why a size must always come with its root from a signed checkpoint.
 */
function inclusionShape(index: number, size: number): string {
  const inner = (index ^ (size - 1)).toString(2).replace(/^0$/, '').length;
  let shape = '';
  for (let level = 0; level < inner; level++) shape += (index >> level) & 1 ? 'L' : 'R';
  return shape + 'L'.repeat((index >> inner).toString(2).replace(/0/g, '').length);
}

function consistencyShape(size1: number, size2: number): string {
  let shift = 0;
  while (((size1 >> shift) & 1) === 0) shift++;
  const index = (size1 - 1) >> shift;
  return (index === 0 ? '' : 'seed ') + inclusionShape(index, ((size2 - 1) >> shift) + 1);
}

function passes(run: () => void): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}

describe('published answers of the RFC 6962 test tree', () => {
  test('the empty tree has the root SHA-256("")', () => {
    assert.equal(toHex(rootOf([])), EMPTY_TREE_ROOT);
    assert.equal(toHex(emptyRoot()), EMPTY_TREE_ROOT);
  });

  test('roots at sizes 1 to 8', () => {
    PUBLISHED_ROOTS.forEach((root, i) => assert.equal(toHex(rootOf(testLeaves.slice(0, i + 1))), root, `size ${i + 1}`));
  });

  test('inclusion proofs are generated as published, and verify', () => {
    for (const { index, size, proof } of PUBLISHED_INCLUSION) {
      assert.deepEqual(inclusionProof(testLeaves, index, size).map(toHex), proof, `leaf ${index} of ${size}`);
      verifyInclusion(testLeaves[index]!, index, size, proof.map((h) => fromHex(h)), fromHex(PUBLISHED_ROOTS[size - 1]!));
    }
  });

  test('consistency proofs are generated as published, and verify', () => {
    for (const { size1, size2, proof } of PUBLISHED_CONSISTENCY) {
      assert.deepEqual(consistencyProof(testLeaves, size1, size2).map(toHex), proof, `${size1} to ${size2}`);
      const [root1, root2] = [PUBLISHED_ROOTS[size1 - 1]!, PUBLISHED_ROOTS[size2 - 1]!].map((h) => fromHex(h));
      verifyConsistency(size1, size2, root1!, root2!, proof.map((h) => fromHex(h)));
    }
  });
});

describe('RFC 9162 2.1.3.2 inclusion: the edges', () => {
  const [l0, l1, l2] = testLeaves as [Uint8Array, Uint8Array, Uint8Array];
  const root3 = rootOf(testLeaves.slice(0, 3));
  const proof = inclusionProof(testLeaves, 2, 3);

  test('a single leaf is its own root, with an empty proof', () => {
    verifyInclusion(l0, 0, 1, [], l0);
    rejects('merkle.inclusion', () => verifyInclusion(l0, 0, 1, [], l1), 'another root');
  });

  test('an index at or beyond the size, or in an empty tree, fails', () => {
    rejects('merkle.inclusion', () => verifyInclusion(l2, 3, 3, proof, root3), 'index = size');
    rejects('merkle.inclusion', () => verifyInclusion(l0, 0, 0, [], emptyRoot()), 'empty tree');
    assert.throws(() => verifyInclusion(l2, 3, 3, proof, root3), /leaf index 3 is not in a tree of size 3/);
  });

  test('indices and sizes must be non-negative safe integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      rejects('merkle.inclusion', () => verifyInclusion(l2, bad, 3, proof, root3), `index ${bad}`);
      rejects('merkle.inclusion', () => verifyInclusion(l2, 2, bad, proof, root3), `size ${bad}`);
    }
  });

  test('every hash must be 32 bytes', () => {
    const short = new Uint8Array(31);
    assert.throws(() => verifyInclusion(l2.subarray(1), 2, 3, proof, root3), /leaf hash is 31 bytes, not 32/);
    rejects('merkle.inclusion', () => verifyInclusion(l2, 2, 3, proof, root3.subarray(0, 31)), 'short root');
    assert.throws(() => verifyInclusion(l2, 2, 3, [short], root3), /proof hash 0 is 31 bytes/);
  });

  test('a wrong proof length is named in the error', () => {
    assert.throws(() => verifyInclusion(l2, 2, 3, [...proof, l0], root3), /proof has 2 hashes; leaf 2 of a tree of size 3 needs 1/);
  });

  test('rootFromInclusion gives the root the proof leads to', () => {
    assert.equal(toHex(rootFromInclusion(l2, 2, 3, proof)), toHex(root3));
  });

  test('a proof shared by two sizes verifies for both: the size must come with the root', () => {
    const proof3 = inclusionProof(testLeaves, 0, 3);
    assert.equal(inclusionShape(0, 3), inclusionShape(0, 4));
    verifyInclusion(l0, 0, 4, proof3, root3); // RFC 9162 accepts this; a checkpoint binds size 3 to root3
    rejects('merkle.inclusion', () => verifyInclusion(l0, 0, 4, proof3, rootOf(testLeaves.slice(0, 4))), 'the real root of 4');
  });
});

describe('RFC 9162 2.1.4.2 consistency: the edges', () => {
  const roots = PUBLISHED_ROOTS.map((h) => fromHex(h));
  const [r1, r2, , r4, r5] = roots as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];

  test('equal sizes: the proof must be empty and the roots equal', () => {
    verifyConsistency(4, 4, r4, r4.slice(), []);
    assert.throws(() => verifyConsistency(4, 4, r4, r5, []), /two different roots for size 4/);
    assert.throws(() => verifyConsistency(4, 4, r4, r4, [r1]), /proof from size 4 to size 4 must be empty, has 1 hashes/);
  });

  test('size1 = 0: every tree extends the empty tree, with an empty proof', () => {
    verifyConsistency(0, 5, emptyRoot(), r5, []);
    verifyConsistency(0, 0, emptyRoot(), emptyRoot(), []);
    rejects('merkle.consistency', () => verifyConsistency(0, 5, emptyRoot(), r5, [r1]), 'non-empty proof');
    assert.throws(() => verifyConsistency(0, 5, r1, r5, []), /root1 .* is not the root of the empty tree/);
  });

  test('size1 > size2 fails: a log cannot shrink', () => {
    assert.throws(() => verifyConsistency(5, 4, r5, r4, []), /size1 5 is larger than size2 4/);
  });

  test('a wrong proof length is named in the error', () => {
    const proof = consistencyProof(testLeaves, 6, 8);
    assert.throws(() => verifyConsistency(6, 8, roots[5]!, roots[7]!, [...proof, r1]), /proof has 4 hashes; size 6 to size 8 needs 3/);
  });

  test('an empty proof between different sizes fails', () => {
    assert.throws(() => verifyConsistency(1, 2, r1, r2, []), /empty proof from size 1 to size 2/);
  });

  test('every hash must be 32 bytes', () => {
    assert.throws(() => verifyConsistency(4, 4, r4.subarray(1), r4.subarray(1), []), /root1 is 31 bytes, not 32/);
    assert.throws(() => verifyConsistency(4, 5, r4, r5, [r1.subarray(0, 16)]), /proof hash 0 is 16 bytes/);
  });

  test('generating an impossible proof fails', () => {
    rejects('merkle.consistency', () => consistencyProof(testLeaves, 5, 4), 'size1 > size2');
    rejects('merkle.consistency', () => consistencyProof(testLeaves, 1, 9), 'beyond the leaves');
    rejects('merkle.inclusion', () => inclusionProof(testLeaves, 8), 'index = size');
    assert.throws(() => rootOf([testLeaves[0]!, new Uint8Array(33)]), (e: unknown) => e instanceof FormatError && /leaf hash 1 is not 32 bytes/.test(e.message));
  });
});

describe('properties on random trees', () => {
  const sizes = fc.integer({ min: 1, max: 3000 });
  const options = { numRuns: 60 };

  test('every inclusion proof verifies, and any change to it fails', () => {
    fc.assert(fc.property(sizes, fc.nat(), fc.nat(), fc.nat(255), fc.uint8Array({ minLength: 32, maxLength: 32 }), (size, at, more, bit, extra) => {
      const all = leaves(size + (more % 3), `incl-${size}-${at}`);
      const index = at % size;
      const root = rootOf(all.slice(0, size));
      const proof = inclusionProof(all, index, size);
      const leaf = all[index]!;
      verifyInclusion(leaf, index, size, proof, root);
      const rule = 'merkle.inclusion';
      proof.forEach((_, i) => rejects(rule, () => verifyInclusion(leaf, index, size, proof.map((p, j) => (j === i ? flipBit(p, bit) : p)), root), `proof hash ${i}`));
      rejects(rule, () => verifyInclusion(leaf, index, size, proof, flipBit(root, bit)), 'root');
      rejects(rule, () => verifyInclusion(flipBit(leaf, bit), index, size, proof, root), 'leaf hash');
      rejects(rule, () => verifyInclusion(leaf, index + 1, size, proof, root), 'index + 1');
      rejects(rule, () => verifyInclusion(leaf, index - 1, size, proof, root), 'index - 1');
      for (const m of mutilated(proof, extra)) rejects(rule, () => verifyInclusion(leaf, index, size, m.proof, root), m.what);
      for (const other of [size - 1, size + 1]) {
        const shared = index < other && inclusionShape(index, size) === inclusionShape(index, other);
        assert.equal(passes(() => verifyInclusion(leaf, index, other, proof, root)), shared, `size ${size} -> ${other}`);
      }
    }), options);
  });

  test('every consistency proof verifies, and any change to it fails', () => {
    fc.assert(fc.property(sizes, fc.nat(), fc.nat(255), fc.uint8Array({ minLength: 32, maxLength: 32 }), (size2, at, bit, extra) => {
      const all = leaves(size2, `cons-${size2}-${at}`);
      const size1 = at % (size2 + 1);
      const root1 = rootOf(all.slice(0, size1));
      const root2 = rootOf(all);
      const proof = consistencyProof(all, size1, size2);
      verifyConsistency(size1, size2, root1, root2, proof);
      const rule = 'merkle.consistency';
      proof.forEach((_, i) => rejects(rule, () => verifyConsistency(size1, size2, root1, root2, proof.map((p, j) => (j === i ? flipBit(p, bit) : p))), `proof hash ${i}`));
      rejects(rule, () => verifyConsistency(size1, size2, flipBit(root1, bit), root2, proof), 'root1');
      if (size1 > 0) rejects(rule, () => verifyConsistency(size1, size2, root1, flipBit(root2, bit), proof), 'root2');
      rejects(rule, () => verifyConsistency(size1 + 1, size2, root1, root2, proof), 'size1 + 1');
      rejects(rule, () => verifyConsistency(size1 - 1, size2, root1, root2, proof), 'size1 - 1');
      for (const m of mutilated(proof, extra)) rejects(rule, () => verifyConsistency(size1, size2, root1, root2, m.proof), m.what);
      for (const other of [size2 - 1, size2 + 1]) {
        const shared = size1 === 0 ? other > 0 : size1 < size2 && size1 < other && consistencyShape(size1, size2) === consistencyShape(size1, other);
        assert.equal(passes(() => verifyConsistency(size1, other, root1, root2, proof)), shared, `size2 ${size2} -> ${other}`);
      }
    }), options);
  });
});
