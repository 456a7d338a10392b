/**
 * What an auditor does with a node's log: `parley export` on the node's host, then `parley verify` offline against
 * the installed agreement — both as separate processes, exactly as a person types them.
 */
import { join } from 'node:path';
import { runParley, type CliRun } from '../../support/cli.js';

export type { CliRun };
/** `parley ARGS…` as a separate process. */
export const parley = (args: string[]): Promise<CliRun> => runParley(args);

export interface AuditResult {
  exported: CliRun;
  verified: CliRun;
}

/** Exports the own log of the node in `dataDir` to `outDir/<party>.jsonl` and verifies the file. */
export async function exportAndVerify(dataDir: string, party: string, outDir: string): Promise<AuditResult> {
  const file = join(outDir, `${party}-${Date.now()}.jsonl`);
  const exported = await parley(['export', '--data', dataDir, '--out', file]);
  const verified = exported.status === 0
    ? await parley(['verify', file, '--agreement', join(dataDir, 'agreement.json')])
    : { status: null, stdout: '', stderr: 'not run: the export failed' };
  return { exported, verified };
}
