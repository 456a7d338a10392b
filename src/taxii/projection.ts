/**
 * The TAXII store as a projection of the statements this node holds: every `indicators` and `sighting` statement
 * appended to the own log or mirrored from a peer's is added as it arrives (NodeApi events), and on start the
 * projection catches up with everything already held. Adding is idempotent (per statement hash), so the events and
 * the catch-up may overlap, and a lost update is repaired at the next start.
 */
import type { Logger } from 'pino';
import type { NodeApi } from '../node/node-api.js';
import type { Statement } from '../protocol/statement.js';
import type { TaxiiStore } from '../storage/taxii-store.js';
import { carriedBy, TAXII_STATEMENT_TYPES } from './served-objects.js';

export interface Projected {
  statement: Statement;
  hash: string;
}

export class TaxiiProjection {
  private readonly listener = (h: Projected): void => {
    if (!TAXII_STATEMENT_TYPES.includes(h.statement.type)) return;
    this.ingest(h).catch((err: unknown) => this.logger.error({ err, hash: h.hash }, 'TAXII projection: statement not added (added again at the next start)'));
  };

  constructor(private readonly node: NodeApi, readonly store: TaxiiStore, private readonly logger: Logger) {}

  /** Subscribes to the node's events, then catches up with what it already holds. */
  async start(): Promise<void> {
    this.node.events.on('appended', this.listener);
    this.node.events.on('mirrored', this.listener);
    for (const h of await this.node.statementsOfType(TAXII_STATEMENT_TYPES)) {
      if (!(await this.store.hasStatement(h.hash))) await this.ingest(h);
    }
  }

  stop(): void {
    this.node.events.off('appended', this.listener);
    this.node.events.off('mirrored', this.listener);
  }

  /** Adds what a statement carries that this node may serve; returns the number of objects added. */
  async ingest(h: Projected): Promise<number> {
    const carried = carriedBy(this.node.party, h.statement, h.hash);
    if (!carried) return 0;
    return this.store.addStatement(h.hash, carried.provenance, carried.objects);
  }
}
