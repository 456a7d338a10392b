/** Running the `parley` command as a user does: a separate process of the compiled CLI, its output collected. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI beside the compiled tests (dist/src/cli/main.js, or a helper's own build folder). */
export const PARLEY_CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `parley ARGS…` to its end (asynchronously, so that nodes in the test process keep answering meanwhile). */
export function runParley(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARLEY_CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
