/**
 * Every statement the node holds (own log and mirrors), parsed once and kept in memory, so that what runs on every
 * tick or scrape — the case fold, the scheduler's checks, the next own statement's time — never re-reads, re-parses
 * and re-hashes the store. It is filled from the store once at open and then follows the node's 'appended' and
 * 'mirrored' events, which fire only after the store has durably written the statements: it never holds more than
 * the store.
 *
 * Memory: a HashedStatement keeps the parsed statement, its canonical bytes and two hashes: measured 2.3 KB for a
 * 542-byte notification (1.8 KB of heap, 0.6 KB of buffers; about 3 KB of RSS). A million statements take about
 * 2.3 GB, near V8's default heap limit (run with --max-old-space-size beyond that). Fine for the agreements this node
 * serves (thousands to a few hundred thousand statements a year); beyond a few million it would need a bounded
 * cache in front of the store instead.
 */
import { compareStatements } from '../protocol/case-order.js';
import type { HashedStatement } from '../protocol/statement.js';
import type { Store } from '../storage/store.js';
import { hashedOf } from './stored-form.js';

export class StatementCache {
  private readonly byHash = new Map<string, HashedStatement>();
  private readonly logs = new Map<string, HashedStatement[]>();
  private readonly cases = new Map<string, HashedStatement[]>();
  private readonly types = new Map<string, HashedStatement[]>();

  /**
   * Reads and parses every statement in the store, once; `open` gives each the opened body this node may read
   * (sealing.ts): the plaintext is only ever in memory.
   */
  static async load(store: Store, open: (h: HashedStatement) => Promise<HashedStatement> = async (h) => h): Promise<StatementCache> {
    const cache = new StatementCache();
    const stored = await store.statementsOfCase();
    // Per author in index order, so that each log's list is its log.
    stored.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.index - b.index));
    for (const s of stored) cache.add(await open(hashedOf(s)));
    return cache;
  }

  /** A statement the store has just written (the own log's or a mirror's next one); a hash already held is ignored. */
  add(h: HashedStatement): void {
    if (this.byHash.has(h.hash)) return;
    const s = h.statement;
    const log = listIn(this.logs, s.author);
    if (s.index !== log.length) throw new Error(`statement cache: ${s.author}#${s.index} is not next (the log here has ${log.length})`);
    this.byHash.set(h.hash, h);
    log.push(h);
    if (s.case !== null) listIn(this.cases, s.case).push(h);
    listIn(this.types, s.type).push(h);
  }

  get size(): number {
    return this.byHash.size;
  }

  byHashOf(hash: string): HashedStatement | undefined {
    return this.byHash.get(hash);
  }

  at(author: string, index: number): HashedStatement | undefined {
    return this.logs.get(author)?.[index];
  }

  /** The last statement of `author`'s log, if any. */
  last(author: string): HashedStatement | undefined {
    return this.logs.get(author)?.at(-1);
  }

  caseIds(): IterableIterator<string> {
    return this.cases.keys();
  }

  /** The statements of a case, in the order they were stored (append-only: a longer list means new statements). */
  ofCase(caseId: string): readonly HashedStatement[] {
    return this.cases.get(caseId) ?? [];
  }

  /** Statements of the given types, ordered by (time, author, index) as the store orders them. */
  ofTypes(types: readonly string[]): HashedStatement[] {
    return types.flatMap((t) => this.types.get(t) ?? []).sort(compareStatements);
  }
}

function listIn(map: Map<string, HashedStatement[]>, key: string): HashedStatement[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
