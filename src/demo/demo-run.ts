/**
 * `parley demo`, once its flags are read: the example agreement's nodes started on this machine, the scenario of
 * scenario.ts played between them, every log audited; the nodes keep running (URLs and tokens printed) until Ctrl-C,
 * or end with --exit.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../node/logger.js';
import { startDemoNetwork, type DemoNetwork } from './demo-network.js';
import { playScenario, type ScenarioResult, type ScenarioStep } from './scenario.js';
import { auditDemo, type DemoAudit } from './demo-audit.js';
import { waitFor } from './wait.js';
import { UsageError } from '../cli/usage-error.js';
import { AccountStore } from '../storage/account-store.js';
import { createAccount } from '../console/accounts.js';
import { consoleBuilt, defaultConsoleDir } from '../console/console-pages.js';

/** A console login made for the demo, per party: printed with the console's address. */
interface ConsoleLogin {
  url: string;
  name: string;
  password: string;
}

/** The demo's console account: an approver, who may do everything a person does on a case. */
const DEMO_ACCOUNT = 'approver';

async function consoleLogins(net: DemoNetwork): Promise<Map<string, ConsoleLogin>> {
  const logins = new Map<string, ConsoleLogin>();
  for (const p of net.parties) {
    const accounts = await AccountStore.open(p.running.node.store.database);
    const existing = await accounts.byName(DEMO_ACCOUNT);
    // A kept --data directory already has the account; its password was printed on the run that made it.
    const password = existing ? '(as printed when this data directory was made)' : (await createAccount(accounts, DEMO_ACCOUNT, 'approver')).password;
    logins.set(p.party, { url: `${p.running.apiUrl}/`, name: DEMO_ACCOUNT, password });
  }
  return logins;
}

export interface DemoFlags {
  parties: string;
  exit?: boolean;
  data?: string;
  json?: boolean;
  speed: string;
}

function parseFlags(flags: DemoFlags): { parties: number; speed: number } {
  const parties = Number(flags.parties);
  if (parties !== 2 && parties !== 5) throw new UsageError(`--parties must be 2 (the bilateral example) or 5 (the regional example), not "${flags.parties}"`);
  const speed = Number(flags.speed);
  if (!Number.isFinite(speed) || speed < 1 || speed > 100_000) throw new UsageError(`--speed must be a number from 1 to 100000, not "${flags.speed}"`);
  return { parties, speed };
}

/** Waits until every statement is delivered, every mirror caught up, and every log's latest checkpoint cosigned by all. */
async function settle(net: DemoNetwork): Promise<void> {
  const witnesses = net.parties.length - 1;
  await waitFor('every delivery, mirror and cosignature to settle', 60_000, async () => {
    for (const { running } of net.parties) {
      await running.node.checkpointNow();
      const peers = await running.node.peers();
      if (peers.some((p) => p.pendingDeliveries > 0 || p.lag > 0)) return false;
      if ((peers[0]?.cosignedOwnCheckpointBy.length ?? 0) < witnesses) return false;
    }
    return true;
  }, 100);
}

function say(json: boolean, text: string): void {
  if (!json) console.log(text);
}

function printSummary(net: DemoNetwork, audit: DemoAudit, where: { dataDir: string; logFile: string; temporary: boolean }, speed: number, logins: Map<string, ConsoleLogin>): void {
  const { dataDir, logFile } = where;
  console.log('');
  console.log('Audit of every log (as `parley verify` does, with the keys the agreement pins):');
  for (const l of audit.logs) {
    const cp = l.latestCheckpoint ? `checkpoint ${l.latestCheckpoint.size} ${l.latestCheckpoint.root.slice(0, 16)}…` : 'no checkpoint';
    const mirrors = l.mirrors.map((m) => `${m.party} ${m.agrees ? 'agrees' : `DISAGREES (holds ${m.size})`}`).join(', ');
    console.log(`  ${l.verified ? 'OK  ' : 'FAIL'} ${l.party.padEnd(10)} ${String(l.statements).padStart(3)} statements, ${cp}`);
    console.log(`         cosigned by ${l.cosignedBy.join(', ') || 'nobody'}; mirrors: ${mirrors}`);
    if (l.problem) console.log(`         ${l.problem}`);
    console.log(`         export: ${l.exportFile}`);
  }
  console.log(audit.alarms.length === 0 ? '  No node kept evidence of misbehaviour.' : `  ALARMS: ${audit.alarms.map((a) => `${a.party}: ${a.kind} — ${a.summary}`).join('; ')}`);
  console.log(audit.ok ? '\nEverything verified.' : '\nSOMETHING DID NOT VERIFY (see above).');
  console.log('');
  console.log(`Time ran ${speed}× faster than real time on every node (one real second = ${speed / 60} minutes), so deadlines of hours pass in seconds.`);
  console.log(`Data: ${dataDir} (one directory per party${where.temporary ? '; temporary: removed when the demo ends, keep it with --data DIR' : ''}); node logs: ${logFile}`);
  console.log('Nodes:');
  for (const p of net.parties) {
    console.log(`  ${p.party.padEnd(10)} API ${p.running.apiUrl}  (explorer ${p.running.apiUrl}/docs)  federation ${p.running.federationUrl}`);
    console.log(`  ${''.padEnd(10)} admin token: ${p.adminToken}`);
    const login = logins.get(p.party);
    if (login) console.log(`  ${''.padEnd(10)} console ${login.url}  login: ${login.name} / ${login.password}`);
  }
  if (!consoleBuilt(defaultConsoleDir())) console.log('(The console is not built in this copy: run `npm run build` to serve it.)');
  console.log(`Try: curl -H "Authorization: Bearer ${net.parties[0]?.adminToken}" ${net.parties[0]?.running.apiUrl}/api/v1/cases`);
}

function jsonSummary(net: DemoNetwork, story: ScenarioResult, audit: DemoAudit, dataDir: string, speed: number, logins: Map<string, ConsoleLogin>): unknown {
  return {
    ok: audit.ok,
    clock: { speed, note: `time ran ${speed}x faster than real time` },
    dataDir,
    steps: story.steps,
    cases: story.cases,
    audit,
    nodes: net.parties.map((p) => ({ party: p.party, api: p.running.apiUrl, docs: `${p.running.apiUrl}/docs`, federation: p.running.federationUrl, adminToken: p.adminToken, console: logins.get(p.party) })),
  };
}

export async function runDemo(flags: DemoFlags): Promise<void> {
  const { parties, speed } = parseFlags(flags);
  const json = flags.json === true;
  const temporary = flags.data === undefined;
  const dataDir = temporary ? await mkdtemp(join(tmpdir(), 'parley-demo-')) : resolve(flags.data as string);
  await mkdir(dataDir, { recursive: true });
  const logFile = join(dataDir, 'nodes.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  say(json, `Starting ${parties} nodes of the ${parties === 2 ? 'bilateral' : 'regional'} example agreement in ${dataDir} (SQLite, loopback, mutual TLS)…`);
  say(json, `Time is accelerated: every node's clock runs ${speed}× faster than real time.`);
  const net = await startDemoNetwork({
    dir: dataDir, parties, speed,
    loggerFor: (party) => createLogger({ level: 'info', destination: logStream, base: { party } }),
  });
  let ok = false;
  try {
    say(json, `Nodes up: ${net.parties.map((p) => p.party).join(', ')}. The scenario:`);
    const story = await playScenario(net.parties.map((p) => p.running.node), {
      onStep: (s: ScenarioStep) => say(json, `  ${s.at}  ${s.text}`),
    });
    await settle(net);
    const audit = await auditDemo(net, dataDir);
    ok = audit.ok;
    const logins = await consoleLogins(net);
    if (json) console.log(JSON.stringify(jsonSummary(net, story, audit, dataDir, speed, logins), null, 2));
    else printSummary(net, audit, { dataDir, logFile, temporary }, speed, logins);
    if (!flags.exit) {
      say(json, '\nThe nodes keep running. Ctrl-C to stop them.');
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
    }
  } finally {
    await net.close();
    logStream.end();
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}

