/**
 * `parley cases`: the cases as a readable table — status, tier, and each deadline with who owes it and whether it
 * is overdue. From a running node's API, or straight from a data directory (the node may be stopped).
 */
import type { Command } from 'commander';
import type { CaseDeadline, CaseState } from '../protocol/case-state.js';
import { apiTarget, reportingApiErrors } from './api-client.js';
import { UsageError } from './usage-error.js';

interface CasesFlags {
  api?: string;
  token?: string;
  data?: string;
  json?: boolean;
}

/** The cases of a data directory, folded from its store as the node would. */
async function casesFromDataDir(dir: string): Promise<CaseState[]> {
  // Loaded here: the rest of the command line starts without the node's modules.
  const [{ foldCases }, { databaseOf, openDataDir }, { clockOf }, { hashedOf }, { openStore }] = await Promise.all([
    import('../protocol/case-fold.js'), import('../node/data-dir.js'), import('../node/run-node.js'), import('../node/stored-form.js'), import('../storage/open-store.js'),
  ]);
  const files = await openDataDir(dir);
  const agreement = files.agreement?.agreement;
  if (!agreement) throw new UsageError(`no agreement is installed in ${dir}`);
  const store = await openStore(databaseOf(files));
  try {
    const all = (await store.statementsOfCase()).map(hashedOf);
    return [...foldCases(all, agreement, clockOf(files).nowIso()).values()];
  } finally {
    await store.close();
  }
}

/** "2026-11-23T14:05:00.000Z" → "2026-11-23 14:05Z": minutes are what a duty officer reads. */
const short = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;

function deadlineText(d: CaseDeadline): string {
  const what = `${d.kind === 'acknowledgement' ? 'ack' : 'response'} by ${d.party}`;
  if (d.cancelled) return `${what}: cancelled`;
  if (d.met) return `${what}: met ${short(d.met)}${d.overdue ? ' (late: OVERDUE)' : ''}`;
  return `${what} due ${short(d.due)}${d.overdue ? ' OVERDUE' : ''}`;
}

/** Columns padded to their widest cell; deadlines, which can be several, get a line each. */
export function casesTable(cases: CaseState[]): string {
  if (cases.length === 0) return 'no cases';
  const header = ['CASE', 'STATUS', 'TIER', 'OPENED', 'KIND', 'SEVERITY', 'DEADLINES'];
  const rows = cases.map((c) => {
    const deadlines = c.deadlines.map(deadlineText);
    return [c.id, c.status, c.tier, short(c.opened), c.kind, c.severity ?? '-', deadlines[0] ?? '-', ...(deadlines.length > 1 ? [deadlines.slice(1)] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const indent = widths.slice(0, 6).reduce((a, w) => a + w + 2, 0);
  const out = [line(header)];
  for (const r of rows) {
    out.push(line(r.slice(0, 7) as string[]));
    for (const more of (r[7] as string[] | undefined) ?? []) out.push(' '.repeat(indent) + more);
  }
  const overdue = cases.filter((c) => c.status !== 'closed' && c.deadlines.some((d) => d.overdue && !d.met)).length;
  out.push('', `${cases.length} case(s), ${overdue} with an overdue deadline`);
  return out.join('\n');
}

export function registerCases(program: Command): void {
  program
    .command('cases')
    .description('list the cases: status, tier and deadlines, with overdue ones marked')
    .option('--api <url>', 'a running node\'s user API, e.g. http://127.0.0.1:8080 (with --token)')
    .option('--token <token>', 'an API token of any role (default: $PARLEY_TOKEN)')
    .option('--data <dir>', 'read the cases from this data directory\'s store instead (the node may be stopped)')
    .option('--json', 'print the cases as JSON')
    .addHelpText('after', `
Examples:
  $ parley cases --data ./avalon
  $ parley cases --api http://127.0.0.1:8080 --token "$PARLEY_TOKEN"
  $ parley cases --data ./avalon --json | jq '.[] | select(.status != "closed") | .id'`)
    .action(reportingApiErrors(async (flags: CasesFlags) => {
      if (!flags.api && !flags.data) throw new UsageError('say which node: --api URL --token T, or --data DIR');
      const cases = flags.api ? await (await apiTarget(flags)).get<CaseState[]>('/api/v1/cases') : await casesFromDataDir(flags.data as string);
      console.log(flags.json ? JSON.stringify(cases, null, 2) : casesTable(cases));
    }));
}
