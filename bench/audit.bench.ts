/**
 * The offline audit against the limit it cannot beat: raw Ed25519 verifications per second on one core
 * (node:crypto, cached key object). `parley verify` is timed as a whole command, start-up included.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { sign, verify } from '../src/protocol/keys.js';
import { buildLog, testParty } from '../test/support/log-builder.js';
import type { Section } from './report.js';

function rawVerifyPerSecond(seconds: number): number {
  const party = testParty('bench', 'avalon');
  // Messages the size of a signed statement's signing bytes (~400 bytes).
  const messages = Array.from({ length: 256 }, (_, i) => new Uint8Array(400).fill(i));
  const sigs = messages.map((m) => sign(party.key, m));
  let n = 0;
  const start = process.hrtime.bigint();
  const stop = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < stop) {
    for (let i = 0; i < 64; i++, n++) if (!verify(party.key.publicKey, messages[n % 256]!, sigs[n % 256]!)) throw new Error('bench: a valid signature failed');
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function writeLog(path: string, count: number): Promise<void> {
  const log = buildLog({ author: testParty('bench', 'avalon'), witnesses: [testParty('bench', 'borduria')], count, checkpointEvery: 1000 });
  const out = createWriteStream(path);
  for (const line of log.lines) if (!out.write(line + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

function timeVerify(bin: string, file: string, workers: number): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'verify', file, '--workers', String(workers)], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`bench: parley verify failed (${r.status}): ${r.stderr}`);
  return seconds;
}

export async function auditBench(opts: { dir: string; bin: string; statements: number }): Promise<Section> {
  const file = join(opts.dir, 'bench-log.jsonl');
  console.error(`audit: writing a ${opts.statements}-statement log…`);
  await writeLog(file, opts.statements);
  console.error('audit: raw Ed25519 verifications on one core…');
  const raw = rawVerifyPerSecond(3);
  const rows: Array<[string, number]> = [];
  for (const workers of [1, 2]) {
    console.error(`audit: parley verify with ${workers} worker(s)…`);
    const best = Math.min(timeVerify(opts.bin, file, workers), timeVerify(opts.bin, file, workers));
    rows.push([`\`parley verify\`, ${workers} worker${workers > 1 ? 's' : ''}`, opts.statements / best]);
  }
  const [one, two] = rows.map(([, v]) => v / raw) as [number, number];
  const body = [
    `A ${opts.statements.toLocaleString('en')}-statement log with a cosigned checkpoint every 1,000 statements, verified by the whole`,
    'command (process start-up, reading, parsing, hashing, every signature, every root, every cosignature). Best of two runs.',
    'The main thread reads, parses and hashes each statement (about 15 µs) while the workers only verify signatures; with two workers the three threads share the two cores, which is why two workers stay below twice one.',
    '',
    '| what | per second | ratio to raw | target |',
    '| --- | ---: | ---: | ---: |',
    `| raw node:crypto Ed25519 verify, one core, cached key | ${Math.round(raw).toLocaleString('en')} | 1.00 | |`,
    `| ${rows[0]![0]} | ${Math.round(rows[0]![1]).toLocaleString('en')} | ${one.toFixed(2)} | ≥ 0.80 |`,
    `| ${rows[1]![0]} | ${Math.round(rows[1]![1]).toLocaleString('en')} | ${two.toFixed(2)} | ≥ 1.60 |`,
  ].join('\n');
  console.error(`audit: raw ${Math.round(raw)}/s; 1 worker ${one.toFixed(2)}× raw; 2 workers ${two.toFixed(2)}× raw`);
  return { id: 'audit', title: 'Offline audit (`parley verify`)', body };
}
