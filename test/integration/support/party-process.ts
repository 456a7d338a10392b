/**
 * One party's node as its own operating-system process, the way an operator runs it: `parley serve --data DIR`.
 * The test can stop it (SIGTERM, a graceful stop), kill it (SIGKILL: no chance to finish anything) and start it
 * again on the same data directory and ports. Everything the process writes is kept, to show when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { NodeFiles } from '../../../src/node/data-dir.js';

/** The compiled command line, next to this file's compiled form (dist/ or a helper's build folder). */
export { PARLEY_CLI } from '../../support/cli.js';
import { PARLEY_CLI } from '../../support/cli.js';

/** The node did not come up, or went away while the test expected it to run. */
export class PartyProcessError extends Error {
  constructor(readonly party: string, message: string) {
    super(message);
    this.name = 'PartyProcessError';
  }
}

const START_LIMIT_MS = 30_000;
const HEALTH_POLL_MS = 20;
/** Lines of output kept per process: enough to see what went wrong, bounded for a long fault test. */
const OUTPUT_LINES = 400;
const REQUEST_LINE = /"msg":"(incoming request|request completed)"/;

export class PartyProcess {
  readonly party: string;
  readonly apiUrl: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private lines: string[] = [];
  private healthy = false;
  /** How many times the process was started. */
  starts = 0;

  constructor(readonly files: NodeFiles, private readonly extraArgs: string[] = ['--no-scheduler']) {
    this.party = files.config.party;
    this.apiUrl = `http://127.0.0.1:${files.config.api.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Started and answering: from /healthz's first answer until a stop or kill is sent. */
  get ready(): boolean {
    return this.healthy && this.child !== undefined;
  }

  /** Starts `parley serve` and resolves once its user API answers /healthz (which it does last of all). */
  async start(): Promise<void> {
    if (this.child) throw new PartyProcessError(this.party, `${this.party} is already running`);
    this.starts++;
    this.note(`--- start #${this.starts}`);
    const child = spawn(process.execPath, [PARLEY_CLI, 'serve', '--data', this.files.dir, ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d) => this.note(String(d)));
    child.stderr?.on('data', (d) => this.note(String(d)));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.note(`--- exited (${signal ?? code})`);
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    await this.untilHealthy(child);
    this.healthy = true;
  }

  /** SIGTERM, and wait for the process to finish its graceful stop. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: the process ends wherever it is, as in a power cut. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.start();
  }

  /** The process's recent output (its log and messages), for a failure report. */
  output(): string {
    return this.lines.join('');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.healthy = false;
    this.note(`--- ${signal} sent by the test`);
    child.kill(signal);
    await this.exited;
  }

  private note(text: string): void {
    // The API's request lines would crowd out what the node did; polling alone writes hundreds of them.
    if (REQUEST_LINE.test(text)) text = text.split('\n').filter((l) => !REQUEST_LINE.test(l)).join('\n');
    if (text.trim() === '') return;
    this.lines.push(text.endsWith('\n') ? text : text + '\n');
    if (this.lines.length > OUTPUT_LINES) this.lines.splice(0, this.lines.length - OUTPUT_LINES);
  }

  private async untilHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_LIMIT_MS;
    for (;;) {
      if (this.child !== child) throw new PartyProcessError(this.party, `${this.party}'s node exited while starting:\n${this.output()}`);
      const ok = await fetch(`${this.apiUrl}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new PartyProcessError(this.party, `${this.party}'s node did not answer /healthz within ${START_LIMIT_MS / 1000} s:\n${this.output()}`);
      await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
    }
  }
}
