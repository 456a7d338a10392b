/**
 * `npm run bench`: every benchmark in one run, figures as ratios to a baseline measured in the same run,
 * written to docs/PERFORMANCE.md with the machine and the date. Never a timed assertion in a test.
 *
 *   npm run bench                      all benchmarks
 *   npm run bench -- --only audit      one of them (or several: --only latency,append)
 *   npm run bench -- --statements 20000  a smaller audit log (quick look)
 *   npm run bench -- --only latency    notification → receipt latency between two nodes (--rate, --seconds)
 *   npm run bench -- --only append     durable appends per second against raw signatures per second (--seconds)
 *   npm run bench -- --only taxii      post 10,000 and 1,000,000 indicators over TAXII and page them back (--taxii-objects 100000: a smaller second run)
 *   npm run bench -- --dry-run         print the sections instead of writing docs/PERFORMANCE.md
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditBench } from './audit.bench.js';
import { durableAppendBench } from './durable-append.bench.js';
import { nodeLatencyBench } from './node-latency.bench.js';
import { merkleBench } from './merkle.bench.js';
import { taxiiBench } from './taxii.bench.js'; // issue 5
import { machineDescription } from './machine.js';
import { writeReport, type Section } from './report.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    statements: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    'dry-run': { type: 'boolean', default: false },
    'taxii-objects': { type: 'string', default: '1000000' },
  },
});
const root = resolve(process.cwd());
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const wanted = (id: string): boolean => values.only === undefined || values.only.split(',').includes(id);

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
  // The node benches share the machine with whatever else runs: say how busy it was.
  const load = (): string => `Load average (1 min) at the start: ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores.`;
  if (wanted('latency')) {
    const busy = load();
    const s = await nodeLatencyBench({ dir: join(dir, 'latency'), rate: Number(values.rate), seconds: Number(values.seconds), warmupSeconds: 3 });
    sections.push({ ...s, body: `${stamp} ${busy}\n\n${s.body}` });
  }
  if (wanted('append')) {
    const busy = load();
    const s = await durableAppendBench({ dir: join(dir, 'append'), seconds: Math.min(5, Number(values.seconds)) });
    sections.push({ ...s, body: `${stamp} ${busy}\n\n${s.body}` });
  }
  if (wanted('taxii')) {
    const busy = load();
    const large = Number(values['taxii-objects']);
    const s = await taxiiBench({ dir: join(dir, 'taxii'), small: Math.min(10_000, large), large });
    sections.push({ ...s, body: `${stamp} ${busy}\n\n${s.body}` });
  }
  if (sections.length === 0) throw new Error(`no benchmark called "${values.only}"`);
  if (values['dry-run']) {
    for (const s of sections) console.log(`## ${s.title}\n\n${s.body}\n`);
  } else {
    writeReport(join(root, 'docs', 'PERFORMANCE.md'), sections, 'Figures written by `npm run bench`; each section says when and where it was measured.');
    console.error('bench: docs/PERFORMANCE.md updated');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
