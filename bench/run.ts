/**
 * `npm run bench`: every benchmark in one run, figures as ratios to a baseline measured in the same run,
 * written to docs/PERFORMANCE.md with the machine and the date. Never a timed assertion in a test.
 *
 *   npm run bench                      all benchmarks
 *   npm run bench -- --only audit      one of them
 *   npm run bench -- --statements 20000  a smaller audit log (quick look)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditBench } from './audit.bench.js';
import { merkleBench } from './merkle.bench.js';
import { machineDescription } from './machine.js';
import { writeReport, type Section } from './report.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, statements: { type: 'string', default: '100000' } } });
const root = resolve(process.cwd());
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const wanted = (id: string): boolean => values.only === undefined || values.only === id;

try {
  const sections: Section[] = [];
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.`;
  if (wanted('audit')) {
    const s = await auditBench({ dir, bin: join(root, 'bin', 'parley.js'), statements: Number(values.statements) });
    sections.push({ ...s, body: `${stamp}\n\n${s.body}` });
  }
  if (wanted('merkle')) {
    const s = merkleBench();
    sections.push({ ...s, body: `${stamp}\n\n${s.body}` });
  }
  if (sections.length === 0) throw new Error(`no benchmark called "${values.only}"`);
  writeReport(join(root, 'docs', 'PERFORMANCE.md'), sections, 'Figures written by `npm run bench`; each section says when and where it was measured.');
  console.error('bench: docs/PERFORMANCE.md updated');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
