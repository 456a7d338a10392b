/**
 * The node's scheduler: what happens because time passes — escalation of overdue cases, the agreement's regular
 * communication checks, the node's own answers to checks — and what the API shows about time: reminders, overdue
 * deadlines, check results.
 *
 * It drives the node only through NodeApi and keeps no state of its own that matters: every decision is read from the
 * logs (a restart re-reads them and does nothing twice). Its work runs one piece at a time, so one pass cannot race
 * another, or a reply to a check that just arrived.
 *
 * Ticks run on a real timer set for the next instant something falls due on the node's clock (realDelayUntil, so an
 * accelerated demo clock works), never more often than `tickMs`, and at least every `maxSleepMs` as a safety net.
 */
import pino, { type Logger } from 'pino';
import type { HashedStatement } from '../protocol/statement.js';
import { realDelayUntil } from './clock.js';
import {
  CHECK, checkResults, newNonce, nextScheduledCheckMs, readCheckStatements, replyDraft, unansweredChecks, replyOf,
  type CheckResult,
} from './communication-checks.js';
import { deadlineReminders, nextOverdueInstant, overdueMarks, type OverdueMark } from './deadline-watch.js';
import { escalateOverdueCases } from './escalator.js';
import type { NodeApi } from './node-api.js';
import { allReminders, checkReminders, type Reminder } from './reminders.js';

export interface SchedulerOptions {
  /** The least real time between two ticks (default 1000 ms). */
  tickMs?: number;
  /** The most real time between two ticks, whatever is due (default 60 s): a safety net, e.g. for a clock change. */
  maxSleepMs?: number;
  logger?: Logger;
}

/** What one pass did. */
export interface TickReport {
  escalations: HashedStatement[];
  checksSent: HashedStatement[];
  replies: HashedStatement[];
  /** The next instant (node clock, ms) something falls due, if any. */
  nextDueMs: number | undefined;
}

/** A person tried to answer a check that is not addressed to this party, or does not exist. */
export class CheckNotFoundError extends Error {
  readonly rule = 'check.not-found';
  constructor(hash: string) {
    super(`no communication check ${hash} addressed to this party`);
    this.name = 'CheckNotFoundError';
  }
}

/** A person tried to answer a check this party has already answered. */
export class CheckAlreadyAnsweredError extends Error {
  readonly rule = 'check.already-answered';
  constructor(hash: string, reply: HashedStatement) {
    super(`communication check ${hash} was already answered by statement ${reply.statement.author}/${reply.statement.index}`);
    this.name = 'CheckAlreadyAnsweredError';
  }
}

/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647;

export class Scheduler {
  private readonly tickMs: number;
  private readonly maxSleepMs: number;
  private readonly logger: Logger;
  /** The chain every piece of work runs on, one after another. */
  private work: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private timerAtReal = Infinity;
  private lastTickReal = -Infinity;
  private running = false;

  constructor(readonly node: NodeApi, opts: SchedulerOptions = {}) {
    this.tickMs = opts.tickMs ?? 1000;
    this.maxSleepMs = Math.min(opts.maxSleepMs ?? 60_000, MAX_TIMER_MS);
    this.logger = opts.logger ?? pino({ level: 'silent' });
  }

  /** Starts the timer and listens for checks to answer. Its timer keeps the process alive until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.node.events.on('mirrored', this.onMirrored);
    this.node.events.on('appended', this.onAppended);
    this.onTimer(); // the first pass is queued now: whatever fell due while the node was down is done first
  }

  /** Stops the timer and waits for the work under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.node.events.off('mirrored', this.onMirrored);
    this.node.events.off('appended', this.onAppended);
    this.clearTimer();
    await this.idle();
  }

  /** One pass: escalate, send a due check, answer checks the node answers. */
  tick(): Promise<TickReport> {
    return this.serially(() => this.pass());
  }

  /** Resolves when the work queued so far is done. */
  async idle(): Promise<void> {
    await this.work.catch(() => undefined);
  }

  /** Deadlines this party owes that still run, and checks a person of this party must answer. */
  async reminders(): Promise<Reminder[]> {
    const now = this.node.clock.nowMs();
    const [cases, cs] = await Promise.all([this.node.cases(), readCheckStatements(this.node)]);
    return allReminders(deadlineReminders(cases, this.node.party, now), checkReminders(this.node.party, cs, this.node.agreement, now));
  }

  /** Overdue deadlines of open cases, owed by this party or to it. */
  async overdue(): Promise<OverdueMark[]> {
    return overdueMarks(await this.node.cases(), this.node.party, this.node.clock.nowMs());
  }

  /** This party's own checks, newest first, with each addressee's answer and latency. */
  async checkResults(): Promise<CheckResult[]> {
    return checkResults(this.node.party, await readCheckStatements(this.node), this.node.agreement, this.node.clock.nowMs());
  }

  /** A person's answer to a check addressed to this party (the API's way to answer when the agreement asks for a person). */
  answerCheck(hash: string, person: { name: string; role?: string }): Promise<HashedStatement> {
    return this.serially(async () => {
      const cs = await readCheckStatements(this.node);
      const check = cs.checks.find((c) => c.hash === hash && c.statement.to.includes(this.node.party));
      if (!check) throw new CheckNotFoundError(hash);
      const earlier = replyOf(check, this.node.party, cs.replies, this.node.agreement);
      if (earlier) throw new CheckAlreadyAnsweredError(hash, earlier);
      return this.reply(check, person);
    });
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.work.catch(() => undefined).then(fn);
    this.work = result;
    return result;
  }

  private async pass(): Promise<TickReport> {
    this.lastTickReal = Date.now();
    const escalations = await escalateOverdueCases(this.node, this.logger);
    const checksSent = await this.sendScheduledCheck();
    const replies = await this.answerAsNode();
    return { escalations, checksSent, replies, nextDueMs: await this.nextDueMs() };
  }

  /** Sends the scheduled check if it is due (the last own scheduled check in the log says when). */
  private async sendScheduledCheck(): Promise<HashedStatement[]> {
    const { checks } = await readCheckStatements(this.node);
    if (nextScheduledCheckMs(checks, this.node.party, this.node.agreement, this.node.clock.nowMs()) > this.node.clock.nowMs()) return [];
    const to = this.others();
    if (to.length === 0) return [];
    const h = await this.node.send({ type: CHECK, to, case: null, refs: [], body: { nonce: newNonce(), scheduled: true } });
    this.logger.info({ to, index: h.statement.index, hash: h.hash }, 'signed scheduled communication check');
    return [h];
  }

  private others(): string[] {
    return this.node.agreement.parties.map((p) => p.id).filter((p) => p !== this.node.party).sort();
  }

  /** Answers every check addressed to this party that it has not answered, when the agreement lets the node answer. */
  private async answerAsNode(): Promise<HashedStatement[]> {
    if (this.node.agreement.communicationChecks.answeredBy !== 'node') return [];
    const open = unansweredChecks(this.node.party, await readCheckStatements(this.node), this.node.agreement);
    const sent: HashedStatement[] = [];
    for (const check of open) sent.push(await this.reply(check));
    return sent;
  }

  private async reply(check: HashedStatement, person?: { name: string; role?: string }): Promise<HashedStatement> {
    const h = await this.node.send(replyDraft(check, person));
    this.logger.info({ check: check.hash, from: check.statement.author, answeredBy: person ? 'person' : 'node', index: h.statement.index, hash: h.hash },
      'signed communication check reply');
    return h;
  }

  private async nextDueMs(): Promise<number | undefined> {
    const now = this.node.clock.nowMs();
    const { checks } = await readCheckStatements(this.node);
    const candidates = [nextOverdueInstant(await this.node.cases(), now)];
    if (this.others().length > 0) candidates.push(nextScheduledCheckMs(checks, this.node.party, this.node.agreement, now));
    const due = candidates.filter((x): x is number => x !== undefined);
    return due.length ? Math.min(...due) : undefined;
  }

  /** A check for this party arrived: the node answers at once when the agreement lets it. */
  private readonly onMirrored = (h: HashedStatement): void => {
    if (h.statement.type === CHECK && h.statement.to.includes(this.node.party) && this.node.agreement.communicationChecks.answeredBy === 'node') {
      this.serially(() => this.answerAsNode()).catch((e: unknown) => this.logger.error({ err: errorText(e), check: h.hash }, 'could not answer communication check'));
    }
    this.onAppended();
  };

  /** New statements may set new deadlines: look again soon (no sooner than tickMs after the last pass). */
  private readonly onAppended = (): void => {
    if (this.running) this.wakeAt(Date.now());
  };

  /** Sets the timer for real instant `atReal`, kept within [last tick + tickMs, now + maxSleepMs]; an earlier timer wins. */
  private wakeAt(atReal: number): void {
    const now = Date.now();
    const at = Math.min(Math.max(atReal, this.lastTickReal + this.tickMs, now), now + this.maxSleepMs);
    if (this.timer !== undefined && this.timerAtReal <= at) return;
    this.clearTimer();
    this.timerAtReal = at;
    this.timer = setTimeout(() => this.onTimer(), at - now);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtReal = Infinity;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAtReal = Infinity;
    this.tick().then(
      (report) => {
        if (!this.running) return;
        this.wakeAt(report.nextDueMs === undefined ? Infinity : Date.now() + realDelayUntil(this.node.clock, report.nextDueMs));
      },
      (e: unknown) => {
        this.logger.error({ err: errorText(e) }, 'scheduler pass failed; will try again');
        // Not at once: a failure that repeats (a store down) should not flood the log.
        if (this.running) this.wakeAt(Date.now() + Math.min(this.maxSleepMs, 10 * this.tickMs));
      },
    );
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
