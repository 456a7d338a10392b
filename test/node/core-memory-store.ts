/**
 * A Store in memory, for the receiving property test (thousands of runs; a database per run would be too slow).
 * It checks the invariants the real drivers check (contiguity, one receipt per statement and party) and applies a
 * write all or nothing, so the node code under test cannot lean on anything the drivers do not do.
 */
import { fromHex } from '../../src/protocol/encoding.js';
import {
  StoreConflictError, type ApiToken, type DeliveryState, type Evidence, type Store, type StoredCheckpoint,
  type StoredCosignature, type StoredReceipt, type StoredStatement, type StoreWrites, type WitnessRecord,
} from '../../src/storage/store.js';
import type { StoreDatabase } from '../../src/storage/feature-store.js';

const byTime = (a: StoredStatement, b: StoredStatement): number =>
  a.time < b.time ? -1 : a.time > b.time ? 1 : a.author < b.author ? -1 : a.author > b.author ? 1 : a.index - b.index;

export class MemoryStore implements Store {
  logs = new Map<string, StoredStatement[]>();
  checkpointList: StoredCheckpoint[] = [];
  cosignatureList: StoredCosignature[] = [];
  receiptList: StoredReceipt[] = [];
  evidenceList: Evidence[] = [];
  witness = new Map<string, WitnessRecord>();
  deliveryMap = new Map<string, DeliveryState>();
  settings = new Map<string, string>();
  tokenList: ApiToken[] = [];

  async migrate(): Promise<void> {}
  async close(): Promise<void> {}

  get database(): StoreDatabase {
    throw new Error('the memory store has no SQL database: feature stores need SQLite or PostgreSQL');
  }

  /** Every write here is as durable as it will ever be. */
  async flush(): Promise<void> {}

  async write(w: StoreWrites): Promise<void> {
    const sizes = new Map<string, number>();
    for (const s of w.statements ?? []) {
      const size = sizes.get(s.author) ?? this.logs.get(s.author)?.length ?? 0;
      if (s.index !== size) throw new StoreConflictError('log.contiguous', `${s.author}#${s.index} at size ${size}`);
      sizes.set(s.author, size + 1);
    }
    const keys = new Set(this.receiptList.map((r) => `${r.author}/${r.index}/${r.party}`));
    for (const r of w.receipts ?? []) {
      const k = `${r.author}/${r.index}/${r.party}`;
      if (keys.has(k)) throw new StoreConflictError('receipt.unique', `receipt ${k} exists`);
      keys.add(k);
    }
    for (const s of w.statements ?? []) {
      if (!this.logs.has(s.author)) this.logs.set(s.author, []);
      this.logs.get(s.author)!.push(structuredClone(s));
    }
    this.checkpointList.push(...structuredClone(w.checkpoints ?? []));
    this.cosignatureList.push(...structuredClone(w.cosignatures ?? []));
    this.receiptList.push(...structuredClone(w.receipts ?? []));
    this.evidenceList.push(...(w.evidence ?? []).map((e, i) => ({ ...structuredClone(e), id: this.evidenceList.length + i + 1 })));
    for (const r of w.witness ?? []) this.witness.set(r.log, structuredClone(r));
    for (const d of w.deliveries ?? []) this.deliveryMap.set(d.peer, structuredClone(d));
    for (const [k, v] of Object.entries(w.settings ?? {})) this.settings.set(k, v);
  }

  async logSize(author: string): Promise<number> { return this.logs.get(author)?.length ?? 0; }
  async logSizes(): Promise<Record<string, number>> { return Object.fromEntries([...this.logs].map(([a, l]) => [a, l.length])); }
  async leafHashes(author: string): Promise<Uint8Array[]> { return (this.logs.get(author) ?? []).map((s) => fromHex(s.hash)); }
  async statements(author: string, from: number, to: number): Promise<StoredStatement[]> { return (this.logs.get(author) ?? []).slice(from, to); }
  async statement(author: string, index: number): Promise<StoredStatement | undefined> { return this.logs.get(author)?.[index]; }
  async statementByHash(hash: string): Promise<StoredStatement | undefined> { return [...this.logs.values()].flat().find((s) => s.hash === hash); }
  async statementsOfCase(caseId?: string): Promise<StoredStatement[]> {
    return [...this.logs.values()].flat().filter((s) => caseId === undefined || s.caseId === caseId).sort(byTime);
  }
  async statementsOfType(types: string[]): Promise<StoredStatement[]> { return [...this.logs.values()].flat().filter((s) => types.includes(s.type)).sort(byTime); }
  async latestCheckpoint(log: string): Promise<StoredCheckpoint | undefined> {
    return this.checkpointList.filter((c) => c.log === log).sort((a, b) => b.size - a.size)[0];
  }
  async checkpoints(log: string): Promise<StoredCheckpoint[]> { return this.checkpointList.filter((c) => c.log === log).sort((a, b) => a.size - b.size); }
  async cosignatures(log: string, size?: number): Promise<StoredCosignature[]> {
    return this.cosignatureList.filter((c) => c.log === log && (size === undefined || c.size === size));
  }
  async witnessRecord(log: string): Promise<WitnessRecord | undefined> { return this.witness.get(log); }
  async deliveries(): Promise<DeliveryState[]> { return [...this.deliveryMap.values()]; }
  async delivery(peer: string): Promise<DeliveryState | undefined> { return this.deliveryMap.get(peer); }
  async receipts(author: string, index?: number): Promise<StoredReceipt[]> {
    return this.receiptList.filter((r) => r.author === author && (index === undefined || r.index === index))
      .sort((a, b) => a.index - b.index || (a.party < b.party ? -1 : 1));
  }
  async receipt(author: string, index: number, party: string): Promise<StoredReceipt | undefined> {
    return this.receiptList.find((r) => r.author === author && r.index === index && r.party === party);
  }
  async evidence(): Promise<Evidence[]> { return this.evidenceList; }
  async addToken(token: ApiToken): Promise<void> { this.tokenList.push(token); }
  async tokenByHash(tokenHash: string): Promise<ApiToken | undefined> { return this.tokenList.find((t) => t.tokenHash === tokenHash); }
  async tokens(): Promise<ApiToken[]> { return this.tokenList; }
  async setting(key: string): Promise<string | undefined> { return this.settings.get(key); }
}
