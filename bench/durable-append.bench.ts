/**
 * Durable appends per second against the limit they cannot beat: raw Ed25519 signatures per second over
 * statement-sized messages (node:crypto, one core). A durable append is PartyNode.send(): the draft checked,
 * numbered, signed, validated as a peer would, written to SQLite (WAL, synchronous = FULL: fsynced before the
 * promise resolves) and the own tree grown. The node is opened but not started, so nothing else runs beside it.
 *
 * The breakdown times each step of an append alone, on statements signed beforehand, to say where the time goes:
 * signing (canonical JSON, hash, signature), validation, one SQLite transaction per statement with and without
 * the fsync (FULL against NORMAL), and one transaction for 32 statements (what group commit would cost).
 */
import { mkdirSync } from 'node:fs';
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
const CONCURRENT_SENDERS = 8;
/** Enough senders that group commit fills its transactions: the node's throughput rather than its latency. */
const MANY_SENDERS = 64;
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

async function openNode(file: string): Promise<PartyNode> {
  const store = openSqliteStore(file);
  return PartyNode.open({
    party: SELF, agreement: example(), signingKey: exampleKey(SELF), store, clock: systemClock,
    logger: pino({ level: 'silent' }), peers: new Map([[PEER, idlePeer]]),
  });
}

async function sendsPerSecond(file: string, seconds: number, senders: number): Promise<number> {
  const node = await openNode(file);
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
  writeFull: number;
  writeNormal: number;
  groupFull: number;
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
    writeFull: await timedWrites(openSqliteStore(join(dir, 'full.db')), statements, seconds, 1),
    writeNormal: await timedWrites(openSqliteStore(join(dir, 'normal.db'), { durable: false }), statements, seconds, 1),
    groupFull: await timedWrites(openSqliteStore(join(dir, 'group.db')), statements, seconds, GROUP),
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

export async function durableAppendBench(o: { dir: string; seconds: number }): Promise<Section> {
  mkdirSync(o.dir, { recursive: true });
  const size = signStatement(unsignedAt(0), exampleKey(SELF)).leaf.length;
  console.error(`append: raw Ed25519 signatures over ${size}-byte messages…`);
  const raw = rawSignPerSecond(3, size);
  console.error('append: PartyNode.send(), one sender…');
  const sequential = await sendsPerSecond(join(o.dir, 'sequential.db'), o.seconds, 1);
  console.error(`append: PartyNode.send(), ${CONCURRENT_SENDERS} concurrent senders…`);
  const concurrent = await sendsPerSecond(join(o.dir, 'concurrent.db'), o.seconds, CONCURRENT_SENDERS);
  console.error(`append: PartyNode.send(), ${MANY_SENDERS} concurrent senders…`);
  const many = await sendsPerSecond(join(o.dir, 'many.db'), o.seconds, MANY_SENDERS);
  console.error('append: the steps of an append, one at a time…');
  const b = await breakdown(o.dir, Math.min(2, o.seconds));
  const us = (rate: number): string => (1e6 / rate).toFixed(0);
  const grouped = 1e6 / b.sign + 1e6 / b.validate + 1e6 / b.groupFull;
  const fmt = (rate: number): string => Math.round(rate).toLocaleString('en');
  console.error(`append: raw ${fmt(raw)}/s; sequential ${fmt(sequential)}/s (${(sequential / raw).toFixed(2)}); ${CONCURRENT_SENDERS} senders ${fmt(concurrent)}/s (${(concurrent / raw).toFixed(2)}); ${MANY_SENDERS} senders ${fmt(many)}/s (${(many / raw).toFixed(2)})`);
  const row = (what: string, rate: number, target = ''): string => `| ${what} | ${fmt(rate)} | ${us(rate)} | ${(rate / raw).toFixed(2)} | ${target} |`;
  return {
    id: 'append',
    title: 'Durable appends (`send()`) against raw signatures',
    body: [
      `A durable append is \`PartyNode.send()\` of a notification: checked, numbered, signed, validated, written to SQLite (WAL, \`synchronous = FULL\`,`,
      `fsynced before it resolves) and acknowledged. ${o.seconds} s each, on a fresh database in the system's temporary directory. The node`,
      'group-commits: the sends that arrive while a transaction is being written go together into the next one (each signed, each',
      'caller answered once its transaction is durable), so more concurrent senders share each fsync.',
      '',
      '| what | per second | µs each | ratio to raw | target |',
      '| --- | ---: | ---: | ---: | --- |',
      row(`raw node:crypto Ed25519 sign, ${size}-byte messages, one core`, raw),
      row('`send()`, one sender', sequential, `≥ 0.50: ${sequential / raw >= 0.5 ? 'met' : '**not met**'}`),
      row(`\`send()\`, ${CONCURRENT_SENDERS} concurrent senders`, concurrent, `≥ 0.50: ${concurrent / raw >= 0.5 ? 'met' : '**not met**'}`),
      row(`\`send()\`, ${MANY_SENDERS} concurrent senders`, many, `≥ 0.50: ${many / raw >= 0.5 ? 'met' : '**not met**'}`),
      '',
      'Where the time of one append goes, each step alone:',
      '',
      '| step | per second | µs each |',
      '| --- | ---: | ---: |',
      `| sign: canonical JSON, leaf hash, Ed25519 (\`signStatement\`) | ${fmt(b.sign)} | ${us(b.sign)} |`,
      `| validate against the agreement and codebook (\`validateStatement\`) | ${fmt(b.validate)} | ${us(b.validate)} |`,
      `| store one statement per transaction, \`synchronous = FULL\` (fsync) | ${fmt(b.writeFull)} | ${us(b.writeFull)} |`,
      `| store one statement per transaction, \`synchronous = NORMAL\` (no fsync) | ${fmt(b.writeNormal)} | ${us(b.writeNormal)} |`,
      `| store ${GROUP} statements per transaction, FULL (group commit), per statement | ${fmt(b.groupFull)} | ${us(b.groupFull)} |`,
      '',
      `The fsync costs about ${Math.max(0, 1e6 / b.writeFull - 1e6 / b.writeNormal).toFixed(0)} µs of each append here; it depends on the disk far more than on the node.`,
      `Sign + validate + a ${GROUP}-statement transaction would make an append about ${grouped.toFixed(0)} µs (${fmt(1e6 / grouped)}/s, ${(1e6 / grouped / raw).toFixed(2)} of raw):`,
      'an estimate of what group commit could reach, from the steps above, not a measurement of the node.',
    ].join('\n'),
  };
}
