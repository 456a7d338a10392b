/**
 * Witnessing, both ways (IN PROGRESS — being written in this session; this outline fixes the contract).
 */
import type { NodeContext } from './node-context.js';

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

export class Witnessing {
  constructor(readonly ctx: NodeContext) {}
  /** Called by the node after it stored a new checkpoint of its own log: ask every peer to cosign it. */
  checkpointSigned(): void {}
  /** The witness side of C2SP add-checkpoint, for a request from `caller` (the party of the pinned certificate). */
  async addCheckpoint(caller: string, body: string): Promise<WitnessAnswer> {
    void caller; void body;
    return { status: 503, contentType: 'text/plain', body: 'witnessing is not built yet\n' };
  }
  /** Gossip: the latest checkpoint (with cosignatures) of every log this node holds, by party. */
  async latestCheckpoints(): Promise<Record<string, string>> { return {}; }
  start(): void {}
  async stop(): Promise<void> {}
}
