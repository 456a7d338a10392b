/**
 * What an auditor does with a node's log: `parley export` on the node's host, then `parley verify` offline against
 * the installed agreement — both as separate processes, exactly as a person types them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PARLEY_CLI } from './party-process.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function parley(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARLEY_CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

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
