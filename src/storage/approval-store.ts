/**
 * Drafts waiting for a second person: anything addressed to the diplomatic or political tier is kept here, pending,
 * until a different approver approves it (then the node sends it) or someone rejects it. Who proposed, who decided
 * and when stay recorded: the two-person rule is only worth what its record shows.
 */
import type { Kysely } from 'kysely';
import type { StatementDraft } from '../node/node-api.js';
import type { Tier } from '../protocol/agreement.js';
import { migrateFeature, serialType, textType, type StoreDatabase } from './feature-store.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** Who acted: a console account or an API token, as the API authenticated them. */
export interface Actor {
  /** Stable identity: "account:<name>" or "token:<sha-256 of the token>"; two actors are the same person iff equal. */
  id: string;
  name: string;
  role: string;
}

export interface Approval {
  id: number;
  draft: StatementDraft;
  tier: Tier;
  status: ApprovalStatus;
  proposedBy: Actor;
  proposedAt: string;
  decidedBy: Actor | null;
  decidedAt: string | null;
  /** Why it was rejected, if it was. */
  reason: string | null;
  /** Where the statement went in the own log once sent. */
  sent: { index: number; hash: string } | null;
}

function migrations(database: StoreDatabase) {
  const text = textType(database.dialect);
  return {
    '001-approvals': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('console_approvals')
          .addColumn('id', serialType(database.dialect), (c) => c.primaryKey())
          .addColumn('draft', text, (c) => c.notNull())
          .addColumn('tier', text, (c) => c.notNull())
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('proposed_by', text, (c) => c.notNull())
          .addColumn('proposed_at', text, (c) => c.notNull())
          .addColumn('decided_by', text)
          .addColumn('decided_at', text)
          .addColumn('reason', text)
          .addColumn('sent', text)
          .execute();
      },
    },
  };
}

interface ApprovalRow {
  id: number;
  draft: string;
  tier: string;
  status: string;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  sent: string | null;
}

const parsed = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toApproval(r: ApprovalRow): Approval {
  return {
    id: Number(r.id), draft: JSON.parse(r.draft) as StatementDraft, tier: r.tier as Tier, status: r.status as ApprovalStatus,
    proposedBy: JSON.parse(r.proposed_by) as Actor, proposedAt: r.proposed_at,
    decidedBy: parsed<Actor>(r.decided_by), decidedAt: r.decided_at, reason: r.reason, sent: parsed(r.sent),
  };
}

export class ApprovalStore {
  private constructor(private readonly db: Kysely<any>) {}

  static async open(database: StoreDatabase): Promise<ApprovalStore> {
    await migrateFeature(database, 'approvals', migrations(database));
    return new ApprovalStore(database.db);
  }

  async propose(draft: StatementDraft, tier: Tier, by: Actor, at: string): Promise<Approval> {
    const row = await this.db.insertInto('console_approvals').values({
      draft: JSON.stringify(draft), tier, status: 'pending', proposed_by: JSON.stringify(by), proposed_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    return (await this.byId(Number(row.id)))!;
  }

  async byId(id: number): Promise<Approval | undefined> {
    const row = await this.db.selectFrom('console_approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApproval(row as ApprovalRow) : undefined;
  }

  /** Newest first; only those of `status` when given. */
  async list(status?: ApprovalStatus): Promise<Approval[]> {
    let q = this.db.selectFrom('console_approvals').selectAll();
    if (status) q = q.where('status', '=', status);
    const rows = await q.orderBy('id', 'desc').execute();
    return rows.map((r) => toApproval(r as ApprovalRow));
  }

  /**
   * Records a decision on a pending draft; false when it was no longer pending (someone decided first), so that two
   * approvers clicking at once send it once.
   */
  async decide(id: number, status: Exclude<ApprovalStatus, 'pending'>, by: Actor, at: string, reason?: string): Promise<boolean> {
    const r = await this.db.updateTable('console_approvals')
      .set({ status, decided_by: JSON.stringify(by), decided_at: at, reason: reason ?? null })
      .where('id', '=', id).where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Where the approved draft went in the own log. */
  async markSent(id: number, sent: { index: number; hash: string }): Promise<void> {
    await this.db.updateTable('console_approvals').set({ sent: JSON.stringify(sent) }).where('id', '=', id).execute();
  }

  /** An approval whose sending failed (the agreement refused the draft by then): pending again, nothing was sent. */
  async reopen(id: number): Promise<void> {
    await this.db.updateTable('console_approvals').set({ status: 'pending', decided_by: null, decided_at: null }).where('id', '=', id).execute();
  }
}
