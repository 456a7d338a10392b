/**
 * The Merkle tree a node keeps of its own and its peers' logs must answer roots and proofs in O(log n):
 * the same questions on a tree 256 times larger should cost about twice as much (log2 10 → 18), not 256 times.
 */
import { MerkleTree } from '../src/protocol/merkle-tree.js';
import { leafHash } from '../src/protocol/merkle.js';
import { utf8 } from '../src/protocol/encoding.js';
import type { Section } from './report.js';

function treeOf(size: number): MerkleTree {
  const tree = new MerkleTree();
  for (let i = 0; i < size; i++) tree.append(leafHash(utf8(`leaf ${i}`)));
  return tree;
}

/** Seconds for `count` rounds of (root, inclusion proof, consistency proof) at sizes spread over the tree. */
function timeQuestions(tree: MerkleTree, count: number): number {
  const size = tree.size;
  const start = process.hrtime.bigint();
  for (let i = 1; i <= count; i++) {
    const at = Math.max(1, Math.floor((size * i) / count));
    tree.root(at);
    tree.inclusionProof((i * 7919) % at, at);
    tree.consistencyProof(Math.max(1, at >> 1) - 1, at);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function merkleBench(): Section {
  const small = treeOf(1024);
  const big = treeOf(262_144);
  timeQuestions(small, 2000); // warm up
  const best = (t: MerkleTree): number => Math.min(...[1, 2, 3].map(() => timeQuestions(t, 5000)));
  const s = best(small);
  const b = best(big);
  const fmt = (sec: number): string => Math.round(5000 / sec).toLocaleString('en');
  console.error(`merkle: 1,024 leaves ${fmt(s)} rounds/s; 262,144 leaves ${fmt(b)} rounds/s; ratio ${(b / s).toFixed(2)}`);
  return {
    id: 'merkle',
    title: 'Merkle tree: roots and proofs at any size',
    body: [
      'One round = the root at a size, an inclusion proof and a consistency proof at that size. Best of three runs of 5,000 rounds.',
      '',
      '| tree | rounds per second | time ratio to 1,024 leaves | O(n) would be |',
      '| --- | ---: | ---: | ---: |',
      `| 1,024 leaves | ${fmt(s)} | 1.00 | |`,
      `| 262,144 leaves | ${fmt(b)} | ${(b / s).toFixed(2)} | ~256 |`,
    ].join('\n'),
  };
}
