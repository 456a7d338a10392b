/**
 * One order for the statements of all logs, whatever order they arrived in: by time, then author, then index,
 * then hash. Every party folding the same set of statements sees the same sequence, hence the same cases.
 */
import type { HashedStatement } from './statement.js';

export function compareStatements(a: HashedStatement, b: HashedStatement): number {
  const x = a.statement;
  const y = b.statement;
  return (Date.parse(x.time) - Date.parse(y.time))
    || (x.author < y.author ? -1 : x.author > y.author ? 1 : 0)
    || x.index - y.index
    || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
}

/** The distinct statements (a statement seen twice — same hash — counts once), in the total order above. */
export function orderedStatements(statements: Iterable<HashedStatement>): HashedStatement[] {
  const byHash = new Map<string, HashedStatement>();
  for (const s of statements) if (!byHash.has(s.hash)) byHash.set(s.hash, s);
  return [...byHash.values()].sort(compareStatements);
}
