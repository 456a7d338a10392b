/**
 * ISO 8601 durations ("P3D", "PT4H", "P1Y2M10DT2H30M"), as agreements write deadlines, lead times and cycles.
 *
 * Years and months are calendar units: they are added to a time on the calendar (in UTC), not as a fixed number
 * of seconds, so "P1M" from 31 January ends on the last day of February — a deadline "one month later" is what
 * a person reading the agreement expects. Weeks, days and smaller units are exact (UTC has no daylight saving).
 */
import { ValidationError } from './errors.js';

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Designators in the order ISO 8601 requires them; "T" separates the date part from the time part. */
const DATE_UNITS = [['Y', 'years'], ['M', 'months'], ['W', 'weeks'], ['D', 'days']] as const;
const TIME_UNITS = [['H', 'hours'], ['M', 'minutes'], ['S', 'seconds']] as const;

/** A component: whole number, and for seconds only a fraction down to milliseconds (the precision of statement times). */
const COMPONENT = /^(\d{1,9})([.,]\d{1,3})?([A-Z])/;

function fail(text: unknown, why: string): never {
  throw new ValidationError('duration.format', '', `${JSON.stringify(text)} is not an ISO 8601 duration: ${why}`);
}

function parsePart(text: string, part: string, units: readonly (readonly [string, keyof Duration])[], d: Duration): void {
  let rest = part;
  let next = 0;
  while (rest !== '') {
    const m = COMPONENT.exec(rest);
    if (!m) fail(text, `cannot read "${rest}" (expected a number followed by a designator)`);
    const [all, whole, fraction, designator] = m as unknown as [string, string, string | undefined, string];
    const at = units.findIndex(([u]) => u === designator);
    if (at < 0) fail(text, `"${designator}" is not a designator here (allowed: ${units.map(([u]) => u).join(', ')})`);
    if (at < next) fail(text, `"${designator}" is repeated or out of order`);
    const field = (units[at] as readonly [string, keyof Duration])[1];
    if (fraction !== undefined && field !== 'seconds') fail(text, 'only seconds may have a fraction');
    d[field] = Number(whole + (fraction ?? '').replace(',', '.'));
    next = at + 1;
    rest = rest.slice(all.length);
  }
}

/** Parses "PnYnMnWnDTnHnMnS". Throws ValidationError "duration.format" saying what is wrong. */
export function parseDuration(text: string): Duration {
  if (typeof text !== 'string') fail(text, 'not a string');
  if (!text.startsWith('P')) fail(text, 'must start with "P"');
  const [datePart, timePart, extra] = text.slice(1).split('T');
  if (extra !== undefined) fail(text, '"T" appears more than once');
  if (timePart === '') fail(text, '"T" must be followed by hours, minutes or seconds');
  if (datePart === '' && timePart === undefined) fail(text, 'no components after "P"');
  const d: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  parsePart(text, datePart ?? '', DATE_UNITS, d);
  if (timePart !== undefined) parsePart(text, timePart, TIME_UNITS, d);
  return d;
}

export function isDuration(text: unknown): boolean {
  try {
    parseDuration(text as string);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds since the epoch of an RFC 3339 instant; ValidationError "time.format" if it is not one. */
export function instantMs(time: string, path = ''): number {
  const ms = typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(time) ? Date.parse(time) : NaN;
  if (Number.isNaN(ms)) throw new ValidationError('time.format', path, `${JSON.stringify(time)} is not a time like 2026-11-22T03:00:00.000Z`);
  return ms;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Adds a parsed duration to an instant in milliseconds. */
export function addDurationMs(ms: number, d: Duration): number {
  const t = new Date(ms);
  const totalMonths = t.getUTCFullYear() * 12 + t.getUTCMonth() + d.years * 12 + d.months;
  const year = Math.floor(totalMonths / 12);
  const month0 = totalMonths - year * 12;
  // Clamp the day: 31 January + 1 month is the last day of February, not 3 March.
  const day = Math.min(t.getUTCDate(), daysInMonth(year, month0));
  const dateMoved = new Date(0);
  dateMoved.setUTCFullYear(year, month0, day);
  dateMoved.setUTCHours(t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
  const exact = ((d.weeks * 7 + d.days) * 24 * 3600 + d.hours * 3600 + d.minutes * 60) * 1000 + Math.round(d.seconds * 1000);
  return dateMoved.getTime() + exact;
}

/** `time` + `duration`, calendar-aware in UTC, as Date.prototype.toISOString writes it (milliseconds, "Z"). */
export function addDuration(time: string, duration: string): string {
  return new Date(addDurationMs(instantMs(time), parseDuration(duration))).toISOString();
}

/**
 * Durations with months or years have no fixed length, so they are compared by adding both to one fixed instant:
 * 1970-01-01T00:00:00Z (a 31-day month in a 365-day year: "P1M" equals "P31D", "P1Y" equals "P365D").
 * Returns a negative number, zero or a positive number, like a sort comparator.
 */
export function compareDurations(a: string, b: string): number {
  return Math.sign(addDurationMs(0, parseDuration(a)) - addDurationMs(0, parseDuration(b)));
}
