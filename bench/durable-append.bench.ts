/**
 * Durable appends per second against raw Ed25519 signatures per second over statement-sized messages (node:crypto,
 * one core). A durable append is PartyNode.send(): the draft checked, numbered, signed, validated as a peer would,
 * written to SQLite and flushed to the disk (the WAL fdatasynced) before the promise resolves, and the own tree
 * grown. The node is opened but not started, so nothing else runs beside it. Senders each wait for their answer
 * before sending again (a closed loop), so the number of senders is the number of appends in flight.
 *
 * The breakdown times each step of an append alone, on statements signed beforehand, to say where the time goes:
 * signing (canonical JSON, hash, signature), validation, one SQLite transaction per statement with and without
 * the flush, and one transaction for 32 statements (what group commit costs).
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { codebookFor } from '../src/protocol/codebook.js';
import { sign } from '../src/protocol/keys.js';
import { signStatement, type HashedStatement, type UnsignedStatement } from '../src/protocol/statement.js';
import { validateStatement } from '../src/protocol/statement-types.js';
import { systemClock } from '../src/node/clock.js';
import type { PeerTransport } from '../src/node/node-context.js';
import { PartyNode } from '../src/node/party-node.js';
import { storedOf } from '../src/node/stored-form.js';
import { openSqliteStore } from '../src/storage/sqlite.js';
import type { Store } from '../src/storage/store.js';
import { example, exampleKey } from '../test/protocol/agreement-fixtures.js';
import { benchNotification } from './node-latency.bench.js';
import type { Section } from './report.js';

const SELF = 'avalon';
const PEER = 'borduria';
/** Appends in flight: a few, many, and enough to keep every stage busy (the node's throughput, not its latency). */
const SENDERS = [8, 64, 256, 1024];
const GROUP = 32;

/** The peer is never asked anything: the node is not started, so neither delivery nor witnessing runs. */
const idlePeer: PeerTransport = {
  party: PEER,
  request: () => Promise.reject(new Error('bench: the durable-append bench talks to no peer')),
  close: async () => undefined,
};

/** Calls `step` until `seconds` have passed (or `limit` calls); returns calls per second. */
async function perSecond(seconds: number, step: (i: number) => unknown, limit = Infinity): Promise<number> {
  const start = performance.now();
  const stop = start + seconds * 1000;
  let n = 0;
  while (n < limit && performance.now() < stop) await step(n++);
  return n / ((performance.now() - start) / 1000);
}

async function openNode(file: string, signingThreads?: number): Promise<PartyNode> {
  const store = openSqliteStore(file);
  return PartyNode.open({
    party: SELF, agreement: example(), signingKey: exampleKey(SELF), store, clock: systemClock,
    logger: pino({ level: 'silent' }), peers: new Map([[PEER, idlePeer]]), ...(signingThreads === undefined ? {} : { signingThreads }),
  });
}

async function sendsPerSecond(file: string, seconds: number, senders: number, signingThreads?: number): Promise<number> {
  const node = await openNode(file, signingThreads);
  try {
    await node.send(benchNotification(SELF, PEER, 0)); // warm-up: the first statement's code paths
    let next = 1;
    const start = performance.now();
    const stop = start + seconds * 1000;
    const sender = async (): Promise<void> => {
      while (performance.now() < stop) await node.send(benchNotification(SELF, PEER, next++));
    };
    await Promise.all(Array.from({ length: senders }, sender));
    return (next - 1) / ((performance.now() - start) / 1000);
  } finally {
    await node.stop();
    await node.store.close();
  }
}

const AGREEMENT_ID = example().id;

function unsignedAt(index: number): UnsignedStatement {
  const d = benchNotification(SELF, PEER, index);
  return { v: 1, agreement: AGREEMENT_ID, author: SELF, index, time: new Date().toISOString(), to: d.to!, type: d.type, case: d.case!, refs: [], body: d.body };
}

interface Breakdown {
  sign: number;
  validate: number;
  writeDurable: number;
  writeUnflushed: number;
  groupDurable: number;
}

async function timedWrites(store: Store, statements: HashedStatement[], seconds: number, group: number): Promise<number> {
  await store.migrate();
  const now = new Date().toISOString();
  const batches = Math.floor(statements.length / group);
  const perBatch = await perSecond(seconds, (i) => store.write({ statements: statements.slice(i * group, (i + 1) * group).map((h) => storedOf(h, now)) }), batches);
  await store.close();
  return perBatch * group;
}

async function breakdown(dir: string, seconds: number): Promise<Breakdown> {
  const agreement = example();
  const key = exampleKey(SELF);
  const codebook = codebookFor(agreement.codebook);
  const statements: HashedStatement[] = [];
  const signRate = await perSecond(seconds, (i) => statements.push(signStatement(unsignedAt(i), key)));
  const validate = await perSecond(seconds, (i) => validateStatement(statements[i % statements.length]!.statement, { agreement, codebook }));
  return {
    sign: signRate,
    validate,
    writeDurable: await timedWrites(openSqliteStore(join(dir, 'durable.db')), statements, seconds, 1),
    writeUnflushed: await timedWrites(openSqliteStore(join(dir, 'unflushed.db'), { durable: false }), statements, seconds, 1),
    groupDurable: await timedWrites(openSqliteStore(join(dir, 'group.db')), statements, seconds, GROUP),
  };
}

/** Raw Ed25519 signatures per second over messages the size of a statement's signing bytes. */
function rawSignPerSecond(seconds: number, size: number): number {
  const key = exampleKey(SELF);
  const messages = Array.from({ length: 256 }, (_, i) => new Uint8Array(size).fill(i));
  let n = 0;
  const start = process.hrtime.bigint();
  const stop = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < stop) for (let i = 0; i < 64; i++, n++) sign(key, messages[n % 256]!);
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

interface Run {
  senders: number;
  /** Undefined: the node's default (one per core, at most four). */
  threads?: number;
  rate: number;
}

export async function durableAppendBench(o: { dir: string; seconds: number }): Promise<Section> {
  mkdirSync(o.dir, { recursive: true });
  const size = signStatement(unsignedAt(0), exampleKey(SELF)).leaf.length;
  console.error(`append: raw Ed25519 signatures over ${size}-byte messages…`);
  const raw = rawSignPerSecond(3, size);
  const runs: Run[] = [];
  const measure = async (senders: number, threads?: number): Promise<void> => {
    const label = `${senders} sender${senders === 1 ? '' : 's'}${threads === 0 ? ', signing on the event loop' : ''}`;
    console.error(`append: PartyNode.send(), ${label}…`);
    const rate = await sendsPerSecond(join(o.dir, `send-${senders}-${threads ?? 'default'}.db`), o.seconds, senders, threads);
    console.error(`append: ${label}: ${Math.round(rate)}/s, ${(rate / raw).toFixed(2)} of raw`);
    runs.push({ senders, ...(threads === undefined ? {} : { threads }), rate });
  };
  await measure(1);
  for (const senders of SENDERS) await measure(senders);
  for (const senders of SENDERS.slice(1, 3)) await measure(senders, 0);
  console.error('append: the steps of an append, one at a time…');
  const b = await breakdown(o.dir, Math.min(2, o.seconds));
  const us = (rate: number): string => (1e6 / rate).toFixed(0);
  const fmt = (rate: number): string => Math.round(rate).toLocaleString('en');
  const best = Math.max(...runs.filter((r) => r.threads === undefined).map((r) => r.rate));
  const row = (r: Run): string => {
    const what = `\`send()\`, ${r.senders} sender${r.senders === 1 ? '' : 's'}${r.threads === 0 ? ', signing on the event loop (`signingThreads: 0`)' : ''}`;
    const target = r.threads === undefined && r.rate === best ? `≥ 0.50 at saturation: ${best / raw >= 0.5 ? 'met' : '**not met**'}` : '';
    return `| ${what} | ${fmt(r.rate)} | ${us(r.rate)} | ${(r.rate / raw).toFixed(2)} | ${target} |`;
  };
  return {
    id: 'append',
    title: 'Durable appends (`send()`) against raw signatures',
    body: [
      'A durable append is `PartyNode.send()` of a notification: checked, numbered, signed, validated, written to SQLite and flushed to the',
      `disk (the WAL fdatasynced on a background thread) before it resolves. ${o.seconds} s each, on a fresh database in the system's temporary`,
      'directory. Each sender waits for its answer before sending again, so senders = appends in flight. The node group-commits (the sends',
      'that arrive while a group is being written go together into the next one), and signs groups of 8 or more on signing threads (one per',
      `core: ${availableParallelism()} here) while the group before is written; the rows with \`signingThreads: 0\` sign on the event loop instead.`,
      'The raw baseline is one core signing back to back; the node may use every core, as a node on this machine would.',
      '',
      '| what | per second | µs each | ratio to raw | target |',
      '| --- | ---: | ---: | ---: | --- |',
      `| raw node:crypto Ed25519 sign, ${size}-byte messages, one core | ${fmt(raw)} | ${us(raw)} | 1.00 |  |`,
      ...runs.map(row),
      '',
      'Where the time of one append goes, each step alone on the event loop:',
      '',
      '| step | per second | µs each |',
      '| --- | ---: | ---: |',
      `| sign: canonical JSON, leaf hash, Ed25519 (\`signStatement\`) | ${fmt(b.sign)} | ${us(b.sign)} |`,
      `| validate against the agreement and codebook (\`validateStatement\`) | ${fmt(b.validate)} | ${us(b.validate)} |`,
      `| store one statement per transaction, flushed | ${fmt(b.writeDurable)} | ${us(b.writeDurable)} |`,
      `| store one statement per transaction, not flushed | ${fmt(b.writeUnflushed)} | ${us(b.writeUnflushed)} |`,
      `| store ${GROUP} statements per transaction, flushed (group commit), per statement | ${fmt(b.groupDurable)} | ${us(b.groupDurable)} |`,
      '',
      `The flush costs about ${Math.max(0, 1e6 / b.writeDurable - 1e6 / b.writeUnflushed).toFixed(0)} µs of a lone append here; it depends on the disk far more than on the node.`,
    ].join('\n'),
  };
}
