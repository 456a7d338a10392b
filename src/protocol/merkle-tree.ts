/**
 * An append-only RFC 6962 / RFC 9162 Merkle tree that answers in O(log n) hashes: the root at any earlier size,
 * inclusion and consistency proofs. And RootAccumulator, the streaming root of what was pushed so far.
 *
 * Both rest on one fact: a tree of size n is the fold, from the right, of the complete subtrees that the binary
 * digits of n describe (13 = 8 + 4 + 1 leaves: MTH = H(A8, H(B4, C1))). A complete subtree never changes once its
 * last leaf is appended, so the tree stores every complete subtree's hash, level by level, and computes only the
 * nodes on the right border of the size asked for. Same results as the recursive definitions in merkle.ts.
 */
import { emptyRoot, HASH_BYTES, nodeHash, requireLeafHash } from './merkle.js';
import { ProofError } from './errors.js';

/** The hashes of one level's complete subtrees, left to right, packed in one growing buffer (no object per node). */
class Level {
  private bytes = new Uint8Array(HASH_BYTES * 64);
  count = 0;

  push(hash: Uint8Array): void {
    const end = (this.count + 1) * HASH_BYTES;
    if (end > this.bytes.byteLength) {
      const bigger = new Uint8Array(this.bytes.byteLength * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes.set(hash, end - HASH_BYTES);
    this.count++;
  }

  /** A view into the buffer, for hashing: never handed out, since a caller could write into it. */
  at(position: number): Uint8Array {
    return this.bytes.subarray(position * HASH_BYTES, (position + 1) * HASH_BYTES);
  }
}

export class MerkleTree {
  /** levels[l] holds the subtrees of 2^l leaves; levels[0] the leaf hashes. */
  private readonly levels: Level[] = [new Level()];

  static fromLeafHashes(hashes: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    for (const hash of hashes) tree.append(hash);
    return tree;
  }

  /** Number of leaves. */
  get size(): number {
    return this.leaves.count;
  }

  /** Appends a leaf hash (32 bytes, copied) and returns its index. Amortised one node hash per leaf. */
  append(leafHash: Uint8Array): number {
    const index = this.size;
    requireLeafHash(leafHash, index);
    this.leaves.push(leafHash);
    // Each right child completes its parent: carry upwards like binary addition.
    let position = index;
    for (let level = 0; position % 2 === 1; level++) {
      const below = this.levels[level]!;
      const parent = nodeHash(below.at(position - 1), below.at(position));
      if (this.levels.length === level + 1) this.levels.push(new Level());
      this.levels[level + 1]!.push(parent);
      position = (position - 1) / 2;
    }
    return index;
  }

  /** The hash of leaf `index` (a copy). */
  leafHash(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new ProofError('merkle.tree', `leaf index ${index} is not in a tree of size ${this.size}`);
    }
    return this.leaves.at(index).slice();
  }

  /** MTH of the first `size` leaves, in O(log size) hashes. */
  root(size = this.size): Uint8Array {
    this.requireSize(size, 'tree size', 'merkle.tree');
    return size === 0 ? emptyRoot() : this.rangeRoot(0, size);
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 2.1.3.1). */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.requireSize(size, 'tree size', 'merkle.inclusion');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new ProofError('merkle.inclusion', `leaf index ${index} is not in a tree of size ${size}`);
    }
    const proof: Uint8Array[] = [];
    this.pathFrom(0, index, size, proof);
    return proof;
  }

  /** The proof that the tree of size2 extends the tree of size1 (RFC 9162 2.1.4.1); empty if size1 is 0 or size2. */
  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    this.requireSize(size2, 'size2', 'merkle.consistency');
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) {
      throw new ProofError('merkle.consistency', `size1 ${size1} is not between 0 and size2 ${size2}`);
    }
    if (size1 === 0 || size1 === size2) return [];
    // The old tree's last complete subtree is on the path to size1-1; its audit path in the new tree proves both roots.
    let level = 0;
    while ((size1 / 2 ** level) % 2 === 0) level++;
    const position = size1 / 2 ** level - 1;
    // If size1 is a power of two that subtree is the old root, which the verifier already holds.
    const proof = position === 0 ? [] : [this.levels[level]!.at(position).slice()];
    this.pathFrom(level, position, size2, proof);
    return proof;
  }

  private get leaves(): Level {
    return this.levels[0]!;
  }

  /**
   * Appends the audit path of the complete subtree (level, position) in the tree of `size` leaves, bottom up.
   * Below the point where the path meets the right border every sibling is a stored subtree, except possibly the
   * last one, which covers the border's incomplete remainder; on the border only left siblings exist.
   */
  private pathFrom(level: number, position: number, size: number, out: Uint8Array[]): void {
    let p = position;
    let last = Math.floor((size - 1) / 2 ** level); // the node at this level that holds leaf size-1
    for (let l = level; last > 0; l++) {
      if (p !== last) {
        const sibling = p % 2 === 1 ? p - 1 : p + 1;
        const width = 2 ** l;
        const complete = (sibling + 1) * width <= size;
        out.push(complete ? this.levels[l]!.at(sibling).slice() : this.rangeRoot(sibling * width, size));
      } else if (p % 2 === 1) {
        out.push(this.levels[l]!.at(p - 1).slice());
      }
      p = Math.floor(p / 2);
      last = Math.floor(last / 2);
    }
  }

  /**
   * MTH of leaves [start, end), where start is a multiple of the largest power of two in end - start (true of every
   * range the RFC recursion visits): the fold of the complete subtrees that end - start decomposes into.
   */
  private rangeRoot(start: number, end: number): Uint8Array {
    let root: Uint8Array | undefined;
    let remaining = end - start;
    let right = end;
    for (let level = 0; remaining > 0; level++, remaining = Math.floor(remaining / 2)) {
      if (remaining % 2 === 0) continue;
      right -= 2 ** level;
      const subtree = this.levels[level]!.at(right / 2 ** level);
      // A lone complete subtree is a view into storage: hand out a copy, since a caller could write into it.
      root = root === undefined ? subtree.slice() : nodeHash(subtree, root);
    }
    return root!;
  }

  private requireSize(size: number, what: string, rule: string): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new ProofError(rule, `${what} ${size} is beyond the ${this.size} leaves of the tree`);
    }
  }
}

/**
 * The root of a stream of leaf hashes, in O(log n) memory: the roots of the complete subtrees so far (a compact
 * range), largest first. For a verifier that reads a log once and checks a root at each checkpoint.
 */
export class RootAccumulator {
  private readonly subtrees: Uint8Array[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leafHash: Uint8Array): void {
    requireLeafHash(leafHash, this.count);
    let node: Uint8Array = leafHash.slice();
    // The binary digits of count are the subtrees held; adding one leaf merges the trailing run of ones.
    for (let c = this.count; c % 2 === 1; c = (c - 1) / 2) node = nodeHash(this.subtrees.pop()!, node);
    this.subtrees.push(node);
    this.count++;
  }

  /** MTH of the leaves pushed so far, in O(log n) hashes. */
  root(): Uint8Array {
    const last = this.subtrees.length - 1;
    if (last < 0) return emptyRoot();
    let root = this.subtrees[last]!;
    for (let i = last - 1; i >= 0; i--) root = nodeHash(this.subtrees[i]!, root);
    return root === this.subtrees[last] ? root.slice() : root;
  }
}
