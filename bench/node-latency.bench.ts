/**
 * Notification → receipt latency: the time from a user's send() on node A to A holding B's signed receipt, with
 * both nodes started by runNode (through the demo's network set-up: real data directories, a signed agreement, real
 * pinned mutual TLS on loopback), in this one process. The clock starts before send() (so it includes the durable
 * append) and stops at A's 'delivered' event, which A emits once it has checked and stored B's receipts for the push.
 *
 * The baseline is what no node can beat: a bare mutual-TLS request round trip on loopback with the same client
 * stack the node uses (PeerClient: undici, keep-alive, pinned certificate) against a node:https server with
 * requestCert, sending a push's body and answering a push's answer, at the same rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { startDemoNetwork, type DemoParty } from '../src/demo/demo-network.js';
import type { StatementDraft } from '../src/node/node-api.js';
import { PeerClient } from '../src/node/peer-client.js';
import { federationServerOptions } from '../src/node/pinned-tls.js';
import type { NodeFiles } from '../src/node/data-dir.js';
import type { PartyNode } from '../src/node/party-node.js';
import { firePaced, ms, msBetween, nowNs, summarize, until, type LatencySummary } from './paced.js';
import type { Section } from './report.js';

export interface LatencyBenchOptions {
  dir: string;
  /** Statements (and bare requests) per second. */
  rate: number;
  /** Measured seconds of each phase, after a warm-up. */
  seconds: number;
  warmupSeconds: number;
}

/** A notification of A to B, each opening its own case, as an incident hotline would see them. */
export function benchNotification(from: string, to: string, i: number): StatementDraft {
  return {
    type: 'notification', to: [to], case: `${from}:bench-${i}`,
    body: {
      category: 'information-gathering.scanner', severity: 'high',
      summary: 'Scanning of vote-counting servers from addresses in your networks', actions: ['investigate', 'cease-activity'],
      scope: { networks: ['198.51.100.0/24'], sectors: ['elections'] }, language: 'en',
    },
  };
}

/** Latencies of A's statements to B, from before send() to A's 'delivered' event covering them. */
class ReceiptClock {
  private readonly started = new Map<number, bigint>();
  private acked = 0;
  pushes = 0;
  failures = 0;
  readonly latencies: number[] = [];
  readonly sendTimes: number[] = [];

  constructor(private readonly node: PartyNode, private readonly peer: string) {
    node.events.on('delivered', (p, size) => {
      if (p !== this.peer) return;
      const now = nowNs();
      this.pushes++;
      this.acked = Math.max(this.acked, size);
      for (const [index, start] of this.started) {
        if (index >= size) continue;
        this.latencies.push(msBetween(start, now));
        this.started.delete(index);
      }
    });
    node.events.on('deliveryFailed', (p) => { if (p === this.peer) this.failures++; });
  }

  send(draft: StatementDraft): void {
    const start = nowNs();
    this.node.send(draft).then((h) => {
      const now = nowNs();
      this.sendTimes.push(msBetween(start, now));
      if (h.statement.index < this.acked) this.latencies.push(msBetween(start, now)); // cannot happen: delivery follows the append
      else this.started.set(h.statement.index, start);
    }, (e: unknown) => { throw e; });
  }

  get outstanding(): number {
    return this.started.size;
  }

  reset(): void {
    this.latencies.length = 0;
    this.sendTimes.length = 0;
    this.pushes = 0;
    this.failures = 0;
  }
}

/** `parley serve` of the build this bench belongs to (dist/bench → dist/src/cli). */
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const socket = connect(port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      socket.destroy();
      return;
    } catch (e) {
      socket.destroy();
      if (performance.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Stops B's in-process node and runs it again with `parley serve` in a process of its own, on the same ports. */
async function serveInChild(b: DemoParty): Promise<ChildProcess> {
  await b.running.close();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', b.dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  await listening(b.running.files.config.federation.port, 20_000);
  return child;
}

interface Phase {
  receipt: LatencySummary;
  send: LatencySummary;
  pushes: number;
  failures: number;
  receiptsPerSecond: number;
  /** ms */
  loopP99: number;
  /** A push's body and its answer, as the nodes exchanged them: the baseline's payload. */
  sample: { request: string; response: string };
}

async function nodePhase(a: DemoParty, b: DemoParty, o: LatencyBenchOptions): Promise<Phase> {
  const node = a.running.node;
  const clock = new ReceiptClock(node, b.party);
  let n = 0;
  const fire = (): void => clock.send(benchNotification(a.party, b.party, n++));
  console.error(`latency: warming up the nodes (${o.warmupSeconds} s at ${o.rate}/s)…`);
  await firePaced(o.rate, o.warmupSeconds, fire);
  await until('the warm-up receipts', () => clock.outstanding === 0 && clock.sendTimes.length === n, 30_000);
  clock.reset();
  console.error(`latency: node A → node B, ${o.seconds} s at ${o.rate}/s…`);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  await firePaced(o.rate, o.seconds, fire);
  await until('every receipt', () => clock.outstanding === 0 && clock.sendTimes.length === Math.round(o.rate * o.seconds), 120_000);
  // Below the offered rate when the nodes cannot keep up: then latency grows with the length of the run.
  const receiptsPerSecond = Math.round(o.rate * o.seconds) / ((performance.now() - start) / 1000);
  loop.disable();
  const receipts = await node.store.receipts(a.party);
  const missing = n - receipts.filter((r) => r.party === b.party).length;
  if (missing > 0) throw new Error(`bench: A holds no receipt from B for ${missing} of ${n} notifications`);
  // A push and its answer as the node sent them, for the baseline's payload.
  const last = (await node.store.statement(a.party, n - 1))!;
  const receipt = receipts.find((r) => r.index === n - 1)!;
  return {
    receipt: summarize(clock.latencies), send: summarize(clock.sendTimes), pushes: clock.pushes, failures: clock.failures, receiptsPerSecond,
    loopP99: loop.percentile(99) / 1e6,
    sample: { request: `{"statements":[${last.text}]}`, response: `{"size":${n},"receipts":[${receipt.text}]}` },
  };
}

/** A node:https server with requestCert that reads the body and answers `response`: TLS and HTTP, nothing else. */
async function bareServer(files: Pick<NodeFiles, 'tls'>, response: string): Promise<Server> {
  const server = createServer(federationServerOptions(files), (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(response);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function bareRoundTrips(a: NodeFiles, b: NodeFiles, sample: { request: string; response: string }, o: LatencyBenchOptions): Promise<LatencySummary> {
  const server = await bareServer(b, sample.response);
  const client = new PeerClient({
    party: b.config.party, baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, fingerprint: b.fingerprint, tls: a.tls,
  });
  const latencies: number[] = [];
  let done = 0;
  const fire = (): void => {
    const start = nowNs();
    client.request({ method: 'POST', path: '/bench', body: sample.request, contentType: 'application/json', accept: 'application/json' }).then((res) => {
      if (res.status !== 200) throw new Error(`bench: the bare server answered ${res.status}`);
      latencies.push(msBetween(start, nowNs()));
      done++;
    }, (e: unknown) => { throw e; });
  };
  try {
    console.error('latency: warming up the bare mutual-TLS round trip…');
    await firePaced(o.rate, o.warmupSeconds, fire);
    await until('the warm-up round trips', () => done === Math.round(o.rate * o.warmupSeconds), 30_000);
    latencies.length = 0;
    console.error(`latency: bare mutual-TLS round trip, ${o.seconds} s at ${o.rate}/s…`);
    await firePaced(o.rate, o.seconds, fire);
    await until('every round trip', () => latencies.length === Math.round(o.rate * o.seconds), 30_000);
    return summarize(latencies);
  } finally {
    await client.close();
    await new Promise((r) => server.close(r));
  }
}

/** Two fresh nodes; B in this process or, with `separate`, in a `parley serve` process of its own. */
async function nodesPhase(o: LatencyBenchOptions, separate: boolean): Promise<{ phase: Phase; files: [NodeFiles, NodeFiles] }> {
  console.error(`latency: setting up two nodes with a signed agreement${separate ? ', B in a process of its own' : ', in this process'}…`);
  const network = await startDemoNetwork({ dir: join(o.dir, separate ? 'separate' : 'together'), parties: 2, speed: 1, loggerFor: () => pino({ level: 'silent' }) });
  let child: ChildProcess | undefined;
  try {
    const [a, b] = network.parties as [DemoParty, DemoParty];
    if (separate) child = await serveInChild(b);
    return { phase: await nodePhase(a, b, o), files: [a.running.files, b.running.files] };
  } finally {
    await network.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

/** A tenth of the rate: what one statement costs end to end when it does not queue behind others. */
const LIGHT_LOAD = 10;

export async function nodeLatencyBench(o: LatencyBenchOptions): Promise<Section> {
  const light = await nodesPhase({ ...o, rate: o.rate / LIGHT_LOAD, dir: join(o.dir, 'light') }, false);
  const together = await nodesPhase(o, false);
  const separate = await nodesPhase(o, true);
  // The nodes are stopped: the baseline runs alone, with their certificates and the payload they exchanged.
  const bare = await bareRoundTrips(together.files[0], together.files[1], together.phase.sample, o);
  const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const row = (what: string, s: LatencySummary, target = ''): string =>
    `| ${what} | ${s.count.toLocaleString('en')} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} | ${(s.p50 / bare.p50).toFixed(2)} | ${target} |`;
  const rows = (label: string, p: Phase): string[] => {
    const r = p.receipt;
    console.error(`latency (${label}): receipt p50 ${ms(r.p50)} ms p99 ${ms(r.p99)} ms; bare p50 ${ms(bare.p50)} ms; ratio ${(r.p50 / bare.p50).toFixed(2)}`);
    return [
      row(`notification → receipt held by A, ${label}`, r, `p50 ≤ 3× bare: ${met(r.p50 / bare.p50 <= 3)}; p99 ≤ 25 ms: ${met(r.p99 <= 25)}`),
      row(`of which \`send()\` (durable append), ${label}`, p.send),
    ];
  };
  const notes = (label: string, p: Phase): string =>
    `${label}: ${p.pushes.toLocaleString('en')} pushes for ${p.receipt.count.toLocaleString('en')} statements (${(p.receipt.count / Math.max(1, p.pushes)).toFixed(2)} per push), `
    + `${p.failures} failed; receipts held at ${p.receiptsPerSecond.toFixed(1)}/s from the first send to the last receipt; event-loop delay p99 in A's process ${ms(p.loopP99)} ms.`;
  const sample = together.phase.sample;
  return {
    id: 'latency',
    title: 'Notification → receipt latency',
    body: [
      `Two fresh nodes started with \`runNode\` on loopback over pinned mutual TLS, both in one process (one event loop), then with B in a`,
      `\`parley serve\` process of its own. Node A sends notifications to B at ${o.rate} statements/s (open loop; first at ${o.rate / LIGHT_LOAD}/s, to see one`,
      `statement's cost without queueing) for ${o.seconds} s after a ${o.warmupSeconds} s warm-up. Latency runs from the \`send()\` call to A holding B's checked, stored receipt (A's 'delivered' event).`,
      "The baseline is a bare mutual-TLS request round trip on loopback with the node's own client (undici, keep-alive, pinned) against",
      `a node:https server with requestCert, sending a push's body (${sample.request.length} bytes) and answering a push's answer (${sample.response.length} bytes),`,
      'at the same rate, after the nodes stopped. Times in ms.',
      '',
      '| what | count | p50 | p90 | p99 | max | p50 ratio to bare | target |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      row('bare mutual-TLS round trip', bare),
      ...rows(`one process, light load (${o.rate / LIGHT_LOAD}/s)`, light.phase),
      ...rows(`one process, ${o.rate}/s`, together.phase),
      ...rows(`two processes, ${o.rate}/s`, separate.phase),
      '',
      notes(`One process at ${o.rate / LIGHT_LOAD}/s`, light.phase),
      notes('One process', together.phase),
      notes('Two processes', separate.phase),
    ].join('\n'),
  };
}
