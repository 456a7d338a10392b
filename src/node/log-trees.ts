/**
 * The Merkle tree of every log a node holds, rebuilt from the store at start and then kept equal to it: a tree is
 * appended to only after the store has durably written the statements, so proofs never cover what a crash could lose.
 */
import { MerkleTree } from '../protocol/merkle-tree.js';
import type { Store } from '../storage/store.js';

/** A request about a log this node does not hold (no such party in the agreement). */
export class UnknownLogError extends Error {
  constructor(readonly party: string) {
    super(`no log of "${party}" here: not a party to the agreement`);
    this.name = 'UnknownLogError';
  }
}

export class LogTrees {
  private constructor(private readonly trees: ReadonlyMap<string, MerkleTree>) {}

  static async load(store: Store, parties: readonly string[]): Promise<LogTrees> {
    const trees = new Map<string, MerkleTree>();
    for (const p of parties) trees.set(p, MerkleTree.fromLeafHashes(await store.leafHashes(p)));
    return new LogTrees(trees);
  }

  has(party: string): boolean {
    return this.trees.has(party);
  }

  tree(party: string): MerkleTree {
    const t = this.trees.get(party);
    if (!t) throw new UnknownLogError(party);
    return t;
  }
}
