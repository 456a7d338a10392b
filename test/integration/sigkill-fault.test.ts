/**
 * The fault test: two parties' nodes, each its own `parley serve` process, under a steady load of statements in both
 * directions through their APIs, while one of them is killed with SIGKILL at a random moment and started again —
 * round after round (PARLEY_FAULT_ROUNDS, default 20; PARLEY_FAULT_SEED replays a run's choices). Afterwards:
 *  - nothing lost: every statement the API acknowledged (201) is in its author's log and in the peer's mirror;
 *  - nothing duplicated: each log is one statement per index and the mirror is the log, statement for statement;
 *    every statement addressed to the peer has exactly one receipt in the peer's log, and the author's API shows it;
 *  - `parley export` + `parley verify` pass on both logs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiUnreachableError } from '../../src/cli/api-client.js';
import { waitFor } from '../../src/demo/wait.js';
import type { HashedStatement } from '../../src/protocol/statement.js';
import { tempDir } from '../support/temp.js';
import { exportAndVerify } from './support/audit.js';
import { readLogAs } from './support/federation-as.js';
import { notification, peersOf, statementAt, type Sent } from './support/drafts.js';
import { ProcessNetwork, type NetworkParty } from './support/process-network.js';

const ROUNDS = Number(process.env.PARLEY_FAULT_ROUNDS ?? 20);
const SEED = Number(process.env.PARLEY_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SETTLE_MS = 90_000;
const API_BATCH = 16;

const root = tempDir('parley-int-fault-');
let net: ProcessNetwork;

before(async () => { net = await ProcessNetwork.start(root, 2); });
after(async () => { await net?.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: the same seed makes the same choices, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** People sending statements through one party's API to the other, one after another, as fast as it answers. */
class Load {
  readonly acknowledged: Sent[] = [];
  attempts = 0;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(private readonly from: NetworkParty, private readonly to: string) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.from.process.ready) {
        await sleep(10);
        continue;
      }
      const n = ++this.attempts;
      try {
        // A fresh case each time: a send that got no answer is not retried, it may be in the log or not.
        this.acknowledged.push(await this.from.api.post<Sent>('/api/v1/statements', notification(`${this.from.party}:load-${n}`, [this.to], `load ${n}`)));
      } catch (e) {
        if (!(e instanceof ApiUnreachableError)) throw e; // the node was killed under the request: not acknowledged
        await sleep(10);
      }
    }
  }
}

async function logSize(p: NetworkParty): Promise<number> {
  return ((await (await fetch(`${p.process.apiUrl}/healthz`)).json()) as { logSize: number }).logSize;
}

/** Each node has delivered everything to the other and mirrors all of the other's log. */
async function settled(a: NetworkParty, b: NetworkParty): Promise<boolean> {
  for (const [me, peer] of [[a, b], [b, a]] as const) {
    const [view] = await peersOf(me.api);
    if (view!.pendingDeliveries !== 0 || view!.mirrorSize !== (await logSize(peer))) return false;
  }
  return true;
}

/** The checks of nothing lost and nothing duplicated for `author`'s log, mirrored by `peer`. */
async function checkLog(author: NetworkParty, peer: NetworkParty, acknowledged: Sent[]): Promise<{ statements: number; receipts: number }> {
  const log = await readLogAs(peer.process.files, author.process.files, author.party);
  const mirror = await readLogAs(author.process.files, peer.process.files, author.party);
  const peerLog = await readLogAs(author.process.files, peer.process.files, peer.party);
  assert.deepEqual(log.map((s) => s.statement.index), log.map((_, i) => i), `${author.party}'s log holds one statement per index, in order`);
  assert.deepEqual(mirror.map((s) => s.hash), log.map((s) => s.hash), `${peer.party}'s mirror of ${author.party}'s log is that log`);
  for (const s of acknowledged) {
    assert.equal(log[s.index]?.hash, s.hash, `acknowledged ${author.party}/${s.index} is in ${author.party}'s log`);
  }

  const receiptsFor = new Map<string, HashedStatement[]>();
  for (const r of peerLog.filter((s) => s.statement.type === 'receipt')) {
    for (const ref of r.statement.refs) receiptsFor.set(ref.hash, [...(receiptsFor.get(ref.hash) ?? []), r]);
  }
  const owed = log.filter((s) => s.statement.type !== 'receipt' && s.statement.to.includes(peer.party));
  for (const s of owed) {
    assert.equal(receiptsFor.get(s.hash)?.length ?? 0, 1, `${peer.party} signed exactly one receipt for ${author.party}/${s.statement.index}`);
  }
  // A few requests at a time: thousands of statements, each asked of the author's API.
  for (let i = 0; i < owed.length; i += API_BATCH) {
    await Promise.all(owed.slice(i, i + API_BATCH).map(async (s) => {
      const shown = await statementAt(author.api, author.party, s.statement.index);
      assert.deepEqual(shown?.receipts.map((r) => [r.party, r.hash]), [[peer.party, receiptsFor.get(s.hash)![0]!.hash]], `${author.party}'s API shows the receipt of ${author.party}/${s.statement.index}`);
    }));
  }
  const logHashes = new Set(log.map((s) => s.hash));
  const stray = [...receiptsFor.keys()].filter((h) => !logHashes.has(h) && !peerLog.some((s) => s.hash === h));
  assert.deepEqual(stray, [], `every receipt in ${peer.party}'s log is for a statement of a log it holds`);
  return { statements: log.length, receipts: owed.length };
}

test(`SIGKILL of sender or receiver at random moments (${ROUNDS} rounds) loses and duplicates nothing`, (t) => net.explaining(async () => {
  const avalon = net.party('avalon');
  const borduria = net.party('borduria');
  const choose = random(SEED);
  t.diagnostic(`seed ${SEED} (PARLEY_FAULT_SEED=${SEED} replays the choices)`);
  const loads = [new Load(avalon, 'borduria'), new Load(borduria, 'avalon')];
  loads.forEach((l) => l.start());

  const kills: Record<string, number> = { avalon: 0, borduria: 0 };
  const started = Date.now();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Up long enough for deliveries, receipts and cosigning to be under way when the kill comes.
      await sleep(100 + choose() * 600);
      const victim = choose() < 0.5 ? avalon : borduria;
      await victim.process.kill();
      kills[victim.party]!++;
      await sleep(choose() * 200);
      await victim.process.start();
    }
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }

  for (const p of [avalon, borduria]) {
    const [v] = await peersOf(p.api);
    t.diagnostic(`after the rounds, ${p.party} → ${v!.party}: ${v!.pendingDeliveries} pending, ${v!.deliveryAttempts} failed attempts, next at ${v!.nextAttemptAt}, last error: ${v!.lastError}`);
  }
  const settling = Date.now();
  await waitFor('both nodes to deliver everything and mirror each other', SETTLE_MS, () => settled(avalon, borduria), 100);
  t.diagnostic(`the rounds took ${((settling - started) / 1000).toFixed(1)} s, settling ${((Date.now() - settling) / 1000).toFixed(1)} s`);
  const checking = Date.now();
  const [toBorduria, toAvalon] = loads as [Load, Load];
  const a = await checkLog(avalon, borduria, toBorduria.acknowledged);
  const b = await checkLog(borduria, avalon, toAvalon.acknowledged);
  for (const p of [avalon, borduria]) {
    const { exported, verified } = await exportAndVerify(p.process.files.dir, p.party, root);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  }
  t.diagnostic(`checking took ${((Date.now() - checking) / 1000).toFixed(1)} s`);
  t.diagnostic(`${ROUNDS} rounds: killed avalon ${kills.avalon} times, borduria ${kills.borduria} times`);
  t.diagnostic(`avalon→borduria: ${toBorduria.acknowledged.length} acknowledged of ${toBorduria.attempts} sent (the rest: killed under the request); avalon's log ${a.statements} statements, ${a.receipts} receipted by borduria`);
  t.diagnostic(`borduria→avalon: ${toAvalon.acknowledged.length} acknowledged of ${toAvalon.attempts} sent; borduria's log ${b.statements} statements, ${b.receipts} receipted by avalon`);
  assert.ok(kills.avalon! + kills.borduria! === ROUNDS);
  assert.ok(toBorduria.acknowledged.length > 0 && toAvalon.acknowledged.length > 0, 'the load got through between the kills');
}));
