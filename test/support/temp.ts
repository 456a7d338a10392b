import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A temporary folder removed when the test file ends. */
export function tempDir(prefix = 'parley-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let counter = 0;
/** Writes lines (joined by \n, with a final newline) to a new file in `dir`. */
export function writeLines(dir: string, lines: string[], name = `log-${++counter}.jsonl`): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
