/**
 * The agreement's clock: deadlines per severity, the prior-notice lead time, communication checks, the review
 * cycle and the term. Every one is an ISO 8601 duration (duration.ts); the rules between them catch values an
 * author swapped or mistyped, which nobody would notice until a deadline fell at the wrong time.
 */
import { codeList, type Codebook } from './codebook.js';
import { compareDurations, parseDuration } from './duration.js';
import { recordAt, stringAt, type Problems } from './agreement-problems.js';

export const DEFAULT_PRIOR_NOTICE_LEAD_TIME = 'P3D';
export const DEFAULT_REVIEW_CYCLE = 'P1Y';
const ZERO = 'PT0S';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks one duration (absent values are the structure check's business). Returns it if it is usable. */
function duration(problems: Problems, value: unknown, path: string): string | undefined {
  const text = stringAt(value);
  if (text === undefined) return undefined;
  try {
    parseDuration(text);
  } catch (e) {
    problems.add(path, 'agreement.duration', (e as Error).message);
    return undefined;
  }
  if (compareDurations(text, ZERO) <= 0) {
    problems.add(path, 'agreement.duration', `${JSON.stringify(text)} is zero: a deadline, lead time or cycle must be longer than that`);
    return undefined;
  }
  return text;
}

/**
 * One table of deadlines: every severity of the codebook has one, no other code does, and a more severe
 * case never gets more time than a less severe one.
 */
function checkPerSeverity(problems: Problems, value: unknown, path: string, codebook: Codebook | undefined): void {
  const table = recordAt(value);
  const severities = codebook ? codeList(codebook, 'severity').map((e) => e.code) : [];
  for (const [code, d] of Object.entries(table)) {
    if (codebook && !severities.includes(code)) problems.add(`${path}.${code}`, 'agreement.unknown-code', `"${code}" is not a severity of codebook ${codebook.version} (${severities.join(', ')})`);
    else duration(problems, d, `${path}.${code}`);
  }
  let previous: { code: string; d: string } | undefined;
  for (const code of severities) {
    if (table[code] === undefined) {
      problems.add(`${path}.${code}`, 'agreement.missing-severity', `no deadline for severity "${code}"`);
      continue;
    }
    const d = stringAt(table[code]);
    if (d === undefined || problems.has(`${path}.${code}`)) continue;
    if (previous && compareDurations(d, previous.d) > 0) {
      problems.add(`${path}.${code}`, 'agreement.deadline-order', `"${code}" (${d}) allows more time than the less severe "${previous.code}" (${previous.d})`);
    }
    previous = { code, d };
  }
}

function checkDeadlines(problems: Problems, doc: Record<string, unknown>, codebook: Codebook | undefined): void {
  const deadlines = recordAt(doc.deadlines);
  checkPerSeverity(problems, deadlines.acknowledgement, 'deadlines.acknowledgement', codebook);
  checkPerSeverity(problems, deadlines.response, 'deadlines.response', codebook);
  duration(problems, deadlines.priorNoticeLeadTime, 'deadlines.priorNoticeLeadTime');
}

function checkCommunicationChecks(problems: Problems, doc: Record<string, unknown>): void {
  const checks = recordAt(doc.communicationChecks);
  const every = duration(problems, checks.every, 'communicationChecks.every');
  const answerWithin = duration(problems, checks.answerWithin, 'communicationChecks.answerWithin');
  // An answer allowed to come after the next check would leave two checks open at once for one party.
  if (every && answerWithin && compareDurations(answerWithin, every) > 0) {
    problems.add('communicationChecks.answerWithin', 'agreement.check-schedule', `the answer time ${answerWithin} is longer than the interval between checks ${every}`);
  }
}

/** A real calendar date: "2026-02-30" matches the pattern but is no day. */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function checkTerm(problems: Problems, doc: Record<string, unknown>): void {
  const term = recordAt(doc.term);
  const start = stringAt(term.start);
  if (start !== undefined && !isCalendarDate(start)) problems.add('term.start', 'agreement.date', `${JSON.stringify(start)} is not a date like 2026-01-01`);
  const length = duration(problems, term.duration, 'term.duration');
  const notice = duration(problems, term.noticeToTerminate, 'term.noticeToTerminate');
  if (length && notice && compareDurations(notice, length) >= 0) {
    problems.add('term.noticeToTerminate', 'agreement.notice-period', `the notice to terminate (${notice}) must be shorter than the term (${length})`);
  }
}

/** All the duration rules. `codebook` is undefined when the agreement's codebook reference does not resolve. */
export function checkSchedule(problems: Problems, doc: Record<string, unknown>, codebook: Codebook | undefined): void {
  checkDeadlines(problems, doc, codebook);
  checkCommunicationChecks(problems, doc);
  duration(problems, recordAt(doc.review).cycle, 'review.cycle');
  checkTerm(problems, doc);
}
