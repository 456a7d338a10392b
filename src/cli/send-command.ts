/** `parley send`: has a running node sign and send a statement, through its user API. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { StatementRef } from '../protocol/statement.js';
import { apiTarget, reportingApiErrors, type ApiTargetFlags } from './api-client.js';
import { UsageError } from './usage-error.js';

interface SendFlags extends ApiTargetFlags {
  type: string;
  to?: string[];
  case?: string;
  ref?: string[];
  body: string;
  json?: boolean;
}

/** --body '{"…"}' or --body @file.json */
async function bodyOf(text: string): Promise<Record<string, unknown>> {
  const source = text.startsWith('@') ? await readFile(text.slice(1), 'utf8').catch((e: Error) => { throw new UsageError(`cannot read ${text.slice(1)}: ${e.message}`); }) : text;
  let body: unknown;
  try {
    body = JSON.parse(source);
  } catch (e) {
    throw new UsageError(`--body is not JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UsageError('--body must be a JSON object');
  return body as Record<string, unknown>;
}

const collect = (v: string, all: string[] = []): string[] => [...all, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

interface StatementAnswer { author: string; index: number; hash: string; statement: { type: string; case: string | null; to: string[] } }

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('sign and send a statement through the user API of a running node')
    .option('--data <dir>', 'the node\'s data directory (the API address is read from node.json)')
    .option('--api <url>', 'the node\'s user API, e.g. http://127.0.0.1:8080')
    .option('--token <token>', 'an API token of the duty-officer or approver role (default: $PARLEY_TOKEN)')
    .requiredOption('--type <type>', 'the statement type, e.g. notification (docs/statements.md)')
    .option('--to <party>', 'an addressee (repeat, or comma-separated); default: the type decides', collect)
    .option('--case <id>', 'the case id, prefixed by its opener: avalon:2026-001')
    .option('--ref <party/index>', 'a statement this one refers to (repeat); its hash is looked up', collect)
    .requiredOption('--body <json>', 'the body as JSON, or @file.json')
    .option('--json', 'print the API\'s answer as JSON')
    .addHelpText('after', `
Examples:
  $ export PARLEY_TOKEN=$(cat duty-officer.token)
  $ parley send --data ./avalon --type notification --to borduria --case avalon:2026-001 \\
      --body '{"category":"availability.ddos","severity":"high","summary":"DDoS on the election portal","actions":["investigate"]}'
  $ parley send --api http://127.0.0.1:8080 --token "$T" --type acknowledgement --case borduria:7 --ref borduria/3 \\
      --body '{"by":{"name":"Duty officer A. Smith"}}'
  $ parley send --data ./avalon --type communication-check --body @check.json`)
    .action(reportingApiErrors(async (flags: SendFlags) => {
      const body = await bodyOf(flags.body);
      const client = await apiTarget(flags);
      const refs: StatementRef[] = [];
      for (const r of flags.ref ?? []) {
        const m = /^([a-z][a-z0-9-]*)\/(\d+)$/.exec(r);
        if (!m) throw new UsageError(`--ref must be party/index, e.g. borduria/3, got "${r}"`);
        const found = await client.get<{ hash: string }>(`/api/v1/statements/${m[1]}/${m[2]}`);
        refs.push({ party: m[1] as string, index: Number(m[2]), hash: found.hash });
      }
      const draft = { type: flags.type, body, ...(flags.to ? { to: flags.to } : {}), ...(flags.case ? { case: flags.case } : {}), ...(refs.length > 0 ? { refs } : {}) };
      const sent = await client.post<StatementAnswer>('/api/v1/statements', draft);
      if (flags.json) console.log(JSON.stringify(sent, null, 2));
      else console.log(`sent ${sent.author}/${sent.index} ${sent.statement.type}${sent.statement.case ? ` in ${sent.statement.case}` : ''} to ${sent.statement.to.join(', ')}\n  hash ${sent.hash}`);
    }));
}
