/**
 * The tables of a node's store, as Kysely sees them. Column names are snake_case; the store maps them to the
 * camelCase records of store.ts. Every column is text or integer on both dialects, so that one implementation
 * (kysely-store.ts) serves SQLite and PostgreSQL alike.
 */
import type { Generated } from 'kysely';

export interface StatementsTable {
  author: string;
  /** `index` is a keyword in SQL: the column is `idx`. */
  idx: number;
  hash: string;
  text: string;
  type: string;
  case_id: string | null;
  time: string;
  stored_at: string;
}

export interface CheckpointsTable {
  log: string;
  size: number;
  root: string;
  note: string;
  seen_from: string;
  stored_at: string;
}

export interface CosignaturesTable {
  log: string;
  size: number;
  witness: string;
  line: string;
}

export interface WitnessRecordsTable {
  log: string;
  size: number;
  root: string;
  note: string;
}

export interface DeliveriesTable {
  peer: string;
  acked_size: number;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  last_success_at: string | null;
}

export interface ReceiptsTable {
  author: string;
  idx: number;
  party: string;
  receipt_index: number;
  receipt_hash: string;
  text: string;
  stored_at: string;
}

export interface EvidenceTable {
  id: Generated<number>;
  kind: string;
  party: string;
  reported_by: string;
  summary: string;
  /** JSON text of the material as received. */
  material: string;
  stored_at: string;
}

export interface TokensTable {
  token_hash: string;
  name: string;
  role: string;
  created_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  statements: StatementsTable;
  checkpoints: CheckpointsTable;
  cosignatures: CosignaturesTable;
  witness_records: WitnessRecordsTable;
  deliveries: DeliveriesTable;
  receipts: ReceiptsTable;
  evidence: EvidenceTable;
  tokens: TokensTable;
  settings: SettingsTable;
}

/** The two SQL dialects a store runs on. */
export type SqlDialectName = 'sqlite' | 'postgres';
