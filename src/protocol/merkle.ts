/**
 * The Merkle log of RFC 6962 / RFC 9162 (section 2.1): leaf and node hashing with domain separation.
 * (Roots, inclusion and consistency proofs: to be completed in this file.)
 */
import { sha256 } from './hash.js';

export const HASH_BYTES = 32;
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** MTH of a single leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

/** Interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}
