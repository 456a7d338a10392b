/**
 * The Merkle log of RFC 6962 / RFC 9162 (section 2.1): leaf and node hashing with domain separation, the tree head
 * (MTH), and inclusion and consistency proofs — generated from a list of leaf hashes by the RFC's recursive definitions
 * (2.1.3.1, 2.1.4.1) and verified by the RFC's algorithms (2.1.3.2, 2.1.4.2) step for step.
 *
 * Generation here costs O(n) hashes per call; an append-only tree that answers in O(log n) is in merkle-tree.ts.
 * Sizes and indices are plain numbers (safe integers), shifted by division: `>>` would cut them to 32 bits.
 */
import { bytesEqual, toHex } from './encoding.js';
import { FormatError, ProofError } from './errors.js';
import { sha256 } from './hash.js';

export const HASH_BYTES = 32;

const INCLUSION = 'merkle.inclusion';
const CONSISTENCY = 'merkle.consistency';
const NODE_PREFIX = new Uint8Array([0x01]);
/** Reused for every node hash: one-shot hashing of one buffer is about twice as fast as streaming three parts. */
const nodeInput = new Uint8Array(1 + 2 * HASH_BYTES);
nodeInput[0] = 0x01;
/** MTH({}) = SHA-256 of the empty string. Private: a caller could write into an exported array. */
const EMPTY_ROOT = sha256(new Uint8Array(0));

/** MTH of a single leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.byteLength); // input[0] is already the 0x00 prefix
  input.set(data, 1);
  return sha256(input);
}

/** Interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.byteLength !== HASH_BYTES || right.byteLength !== HASH_BYTES) return sha256(NODE_PREFIX, left, right);
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return sha256(nodeInput); // hashing is synchronous, so the shared buffer cannot be overwritten meanwhile
}

/** The root of the empty tree (a fresh copy). */
export function emptyRoot(): Uint8Array {
  return EMPTY_ROOT.slice();
}

/** MTH(D[n]) of RFC 9162 2.1.1 over the given leaf hashes. */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  requireLeafHashes(leafHashes, leafHashes.length);
  if (leafHashes.length === 0) return emptyRoot();
  return ownedRoot(leafHashes, 0, leafHashes.length);
}

/** PATH(index, D[size]) of RFC 9162 2.1.3.1: the audit path of one leaf, sibling of the leaf first. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size = leafHashes.length): Uint8Array[] {
  requireCount(size, INCLUSION, 'tree size');
  requireCount(index, INCLUSION, 'leaf index');
  if (size > leafHashes.length) throw new ProofError(INCLUSION, `tree size ${size} is more than the ${leafHashes.length} leaves given`);
  if (index >= size) throw new ProofError(INCLUSION, `leaf index ${index} is not in a tree of size ${size}`);
  requireLeafHashes(leafHashes, size);
  const proof: Uint8Array[] = [];
  auditPath(leafHashes, index, 0, size, proof);
  return proof;
}

/** PROOF(size1, D[size2]) of RFC 9162 2.1.4.1; empty when size1 is 0 or equals size2 (nothing to prove). */
export function consistencyProof(leafHashes: readonly Uint8Array[], size1: number, size2: number): Uint8Array[] {
  requireCount(size1, CONSISTENCY, 'size1');
  requireCount(size2, CONSISTENCY, 'size2');
  if (size1 > size2) throw new ProofError(CONSISTENCY, `size1 ${size1} is larger than size2 ${size2}`);
  if (size2 > leafHashes.length) throw new ProofError(CONSISTENCY, `size2 ${size2} is more than the ${leafHashes.length} leaves given`);
  requireLeafHashes(leafHashes, size2);
  const proof: Uint8Array[] = [];
  if (size1 > 0 && size1 < size2) subProof(leafHashes, size1, 0, size2, true, proof);
  return proof;
}

/**
 * The root that an inclusion proof leads to (RFC 9162 2.1.3.2 steps 1–4 and the check of sn in step 5).
 * Throws ProofError "merkle.inclusion" when the proof cannot belong to that index and size at all.
 */
export function rootFromInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array {
  requireCount(index, INCLUSION, 'leaf index');
  requireCount(size, INCLUSION, 'tree size');
  requireHash(leafHash, INCLUSION, 'leaf hash');
  proof.forEach((p, i) => requireHash(p, INCLUSION, `proof hash ${i}`));
  if (index >= size) throw new ProofError(INCLUSION, `leaf index ${index} is not in a tree of size ${size}`);
  const want = inclusionProofLength(index, size);
  if (proof.length !== want) {
    throw new ProofError(INCLUSION, `proof has ${proof.length} hashes; leaf ${index} of a tree of size ${size} needs ${want}`);
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofError(INCLUSION, 'proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A right-border node without a right sibling is promoted: climb until this node is a right child again.
      while (!isOdd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError(INCLUSION, 'proof is shorter than the path to the root');
  return r === leafHash ? r.slice() : r;
}

/** RFC 9162 2.1.3.2: throws ProofError "merkle.inclusion" unless `leafHash` is leaf `index` of the tree (`size`, `root`). */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): void {
  requireHash(root, INCLUSION, 'root');
  const computed = rootFromInclusion(leafHash, index, size, proof);
  if (!bytesEqual(computed, root)) {
    throw new ProofError(INCLUSION, `leaf ${index} of a tree of size ${size}: the proof leads to root ${toHex(computed)}, not ${toHex(root)}`);
  }
}

/**
 * RFC 9162 2.1.4.2: throws ProofError "merkle.consistency" unless the tree (size2, root2) extends the tree
 * (size1, root1). Equal sizes need an empty proof and equal roots; size1 = 0 needs an empty proof and the empty
 * tree's root, since every tree extends the empty one. All roots and proof hashes must be 32 bytes.
 */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): void {
  requireCount(size1, CONSISTENCY, 'size1');
  requireCount(size2, CONSISTENCY, 'size2');
  requireHash(root1, CONSISTENCY, 'root1');
  requireHash(root2, CONSISTENCY, 'root2');
  proof.forEach((p, i) => requireHash(p, CONSISTENCY, `proof hash ${i}`));
  if (size1 > size2) throw new ProofError(CONSISTENCY, `size1 ${size1} is larger than size2 ${size2}: a log cannot shrink`);
  if (size1 === 0 && !bytesEqual(root1, EMPTY_ROOT)) {
    throw new ProofError(CONSISTENCY, `root1 ${toHex(root1)} is not the root of the empty tree`);
  }
  if (size1 === size2 || size1 === 0) {
    if (proof.length !== 0) throw new ProofError(CONSISTENCY, `proof from size ${size1} to size ${size2} must be empty, has ${proof.length} hashes`);
    if (size1 === size2 && !bytesEqual(root1, root2)) {
      throw new ProofError(CONSISTENCY, `two different roots for size ${size1}: ${toHex(root1)} and ${toHex(root2)}`);
    }
    return;
  }
  checkConsistencyPath(size1, size2, root1, root2, proof);
}

/** RFC 9162 2.1.4.2 steps 1–7, for 0 < size1 < size2. */
function checkConsistencyPath(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): void {
  if (proof.length === 0) throw new ProofError(CONSISTENCY, `empty proof from size ${size1} to size ${size2}`);
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want) {
    throw new ProofError(CONSISTENCY, `proof has ${proof.length} hashes; size ${size1} to size ${size2} needs ${want}`);
  }
  // Step 2: when size1 is a power of two, the old root is itself the first node of the path.
  const oldRootFirst = isPowerOfTwo(size1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = oldRootFirst ? root1 : proof[0]!;
  let sr = fr;
  for (let i = oldRootFirst ? 0 : 1; i < proof.length; i++) {
    const c = proof[i]!;
    if (sn === 0) throw new ProofError(CONSISTENCY, 'proof is longer than the path to the new root');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError(CONSISTENCY, 'proof is shorter than the path to the new root');
  if (!bytesEqual(fr, root1)) throw new ProofError(CONSISTENCY, `the proof leads to old root ${toHex(fr)}, not root1 ${toHex(root1)}`);
  if (!bytesEqual(sr, root2)) throw new ProofError(CONSISTENCY, `the proof leads to new root ${toHex(sr)}, not root2 ${toHex(root2)}`);
}

/** Number of hashes in the audit path of leaf `index` (< size): siblings below the right border, then left siblings on it. */
function inclusionProofLength(index: number, size: number): number {
  let a = index;
  let b = size - 1;
  let length = 0;
  while (a !== b) [a, b, length] = [half(a), half(b), length + 1];
  for (; a > 0; a = half(a)) if (isOdd(a)) length++;
  return length;
}

/** Number of hashes in a consistency proof, 0 < size1 < size2: the audit path of the old tree's last full subtree. */
function consistencyProofLength(size1: number, size2: number): number {
  let level = 0;
  let size = size1;
  while (!isOdd(size)) [size, level] = [half(size), level + 1];
  // The subtree (level, index) is on the path of leaf size1-1; a power-of-two size1 does not send its own root.
  const index = size - 1;
  return (index === 0 ? 0 : 1) + inclusionProofLength(index, Math.ceil(size2 / 2 ** level));
}

/** MTH(D[lo:hi]) by the RFC's recursion: n-1 hashes, recursion depth log2(n). */
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return leaves[lo]!;
  const k = largestPowerOfTwoBelow(hi - lo);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

/** A subtree root the caller may keep: a single leaf is copied rather than shared with the input array. */
function ownedRoot(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  return hi - lo === 1 ? leaves[lo]!.slice() : subtreeRoot(leaves, lo, hi);
}

/** PATH(m, D[lo:hi]), appending to `out` from the bottom up. */
function auditPath(leaves: readonly Uint8Array[], m: number, lo: number, hi: number, out: Uint8Array[]): void {
  if (hi - lo <= 1) return;
  const k = largestPowerOfTwoBelow(hi - lo);
  if (m < k) {
    auditPath(leaves, m, lo, lo + k, out);
    out.push(ownedRoot(leaves, lo + k, hi));
  } else {
    auditPath(leaves, m - k, lo + k, hi, out);
    out.push(ownedRoot(leaves, lo, lo + k));
  }
}

/** SUBPROOF(m, D[lo:hi], b), appending to `out` from the bottom up. */
function subProof(leaves: readonly Uint8Array[], m: number, lo: number, hi: number, complete: boolean, out: Uint8Array[]): void {
  if (m === hi - lo) {
    if (!complete) out.push(ownedRoot(leaves, lo, hi));
    return;
  }
  const k = largestPowerOfTwoBelow(hi - lo);
  if (m <= k) {
    subProof(leaves, m, lo, lo + k, complete, out);
    out.push(ownedRoot(leaves, lo + k, hi));
  } else {
    subProof(leaves, m - k, lo + k, hi, false, out);
    out.push(ownedRoot(leaves, lo, lo + k));
  }
}

/** The largest power of two strictly below n (n >= 2): where the RFC splits a tree of n leaves. */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && largestPowerOfTwoBelow(n * 2) === n;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function requireCount(value: number, rule: string, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProofError(rule, `${what} must be a non-negative integer, not ${String(value)}`);
}

function requireHash(hash: Uint8Array, rule: string, what: string): void {
  if (!(hash instanceof Uint8Array)) throw new ProofError(rule, `${what} is not a byte array`);
  if (hash.byteLength !== HASH_BYTES) throw new ProofError(rule, `${what} is ${hash.byteLength} bytes, not ${HASH_BYTES}`);
}

/** Leaf hashes handed in to build a tree are the caller's own data, so a wrong length is a format error. */
export function requireLeafHash(hash: Uint8Array, index: number): void {
  if (!(hash instanceof Uint8Array) || hash.byteLength !== HASH_BYTES) {
    throw new FormatError('merkle.leaf-hash', `leaf hash ${index} is not ${HASH_BYTES} bytes`);
  }
}

function requireLeafHashes(leafHashes: readonly Uint8Array[], count: number): void {
  for (let i = 0; i < count; i++) requireLeafHash(leafHashes[i]!, i);
}
