/**
 * Statements that open a case (or add to an existing one): notification, request for information, request for
 * assistance, prior notice, consultation request.
 */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors.js';
import { addDuration } from '../duration.js';
import type { Statement, StatementBody } from '../statement.js';
import { Code, LongText, Person, Scope, ShortText, TierSchema, Time, Window, textFields, type ScopeBody, type WindowBody } from './common.js';
import { MANY, type StatementTypeSpec, type ValidationContext } from './spec.js';

/** Envelope rules every case-opening type shares: a case id, any related refs, one or more addressees. */
const OPENING = { opensCase: true, case: 'required', refs: { min: 0, max: MANY }, to: 'others' } as const;

/** Body fields of the statements that open a case about an incident. */
const incidentFields = { scope: Type.Optional(Scope), tier: Type.Optional(TierSchema), ...textFields };

/** The tier a case opens at must be on the agreement's ladder. */
export function checkTier(tier: unknown, path: string, ctx: ValidationContext): void {
  if (tier !== undefined && !ctx.agreement.escalation.ladder.includes(tier as never)) {
    throw new ValidationError('body.tier', path, `tier "${String(tier)}" is not on this agreement's escalation ladder (${ctx.agreement.escalation.ladder.join(', ')})`);
  }
}

export function checkWindow(w: WindowBody | undefined, path: string): void {
  if (w && !(Date.parse(w.start) < Date.parse(w.end))) {
    throw new ValidationError('body.window', path, `the window must end after it starts (${w.start} – ${w.end})`);
  }
}

function checkScope(scope: ScopeBody | undefined, path: string, required: boolean): void {
  const empty = !scope || ((scope.networks?.length ?? 0) === 0 && (scope.sectors?.length ?? 0) === 0);
  if (empty && (required || scope)) throw new ValidationError('body.scope', path, 'name at least one network or sector');
}

function checkOpening(_s: Statement, body: StatementBody, ctx: ValidationContext): void {
  checkTier(body.tier, 'body.tier', ctx);
  checkScope(body.scope as ScopeBody | undefined, 'body.scope', false);
  if (typeof body.firstSeen === 'string' && typeof body.lastSeen === 'string' && body.lastSeen < body.firstSeen) {
    throw new ValidationError('body.window', 'body.lastSeen', 'lastSeen is before firstSeen');
  }
}

/**
 * notification — "this happened, and this is what we ask":
 *   { category, severity, summary, details?, actions[], scope?, firstSeen?, lastSeen?, tier?, language?, tlp? }
 * Each addressee owes an acknowledgement by the agreement's deadline for the severity.
 */
export const notification: StatementTypeSpec = {
  id: 'notification',
  summary: 'An incident the author reports to the parties concerned, with its category, severity and what is asked.',
  schema: Type.Object({
    category: Code,
    severity: Code,
    summary: ShortText,
    details: Type.Optional(LongText),
    actions: Type.Array(Code, { minItems: 1, maxItems: 20, uniqueItems: true }),
    firstSeen: Type.Optional(Time),
    lastSeen: Type.Optional(Time),
    ...incidentFields,
  }, { additionalProperties: false }),
  ...OPENING,
  codes: [{ field: 'category', list: 'category' }, { field: 'severity', list: 'severity' }, { field: 'actions', list: 'action' }],
  deadlines: ['acknowledgement'],
  check: checkOpening,
  example: {
    category: 'availability.ddos',
    severity: 'high',
    summary: 'DDoS against the central election commission portal from addresses in your networks',
    actions: ['investigate', 'block-source'],
    scope: { networks: ['198.51.100.0/24'], sectors: ['elections'] },
    firstSeen: '2026-11-22T02:40:00.000Z',
    language: 'en',
    tlp: 'AMBER',
  },
};

/**
 * request-for-information — questions to be answered by a response:
 *   { severity, category?, questions[], scope?, tier?, language?, tlp? }
 */
export const requestForInformation: StatementTypeSpec = {
  id: 'request-for-information',
  summary: 'Questions the author asks the addressees to answer.',
  schema: Type.Object({
    severity: Code,
    category: Type.Optional(Code),
    questions: Type.Array(LongText, { minItems: 1, maxItems: 50 }),
    ...incidentFields,
  }, { additionalProperties: false }),
  ...OPENING,
  codes: [{ field: 'severity', list: 'severity' }, { field: 'category', list: 'category' }],
  deadlines: ['acknowledgement', 'response'],
  check: checkOpening,
  example: {
    severity: 'medium',
    category: 'information-gathering.scanner',
    questions: ['Is the scanning of 203.0.113.0/24 since 20 November authorised by your government?'],
    language: 'en',
  },
};

/**
 * request-for-assistance — actions asked of the addressees, answered by a response:
 *   { severity, category?, actions[], summary, details?, scope?, tier?, language?, tlp? }
 */
export const requestForAssistance: StatementTypeSpec = {
  id: 'request-for-assistance',
  summary: 'Actions the author asks the addressees to take, such as blocking a source or taking a server down.',
  schema: Type.Object({
    severity: Code,
    category: Type.Optional(Code),
    actions: Type.Array(Code, { minItems: 1, maxItems: 20, uniqueItems: true }),
    summary: ShortText,
    details: Type.Optional(LongText),
    ...incidentFields,
  }, { additionalProperties: false }),
  ...OPENING,
  codes: [{ field: 'severity', list: 'severity' }, { field: 'category', list: 'category' }, { field: 'actions', list: 'action' }],
  deadlines: ['acknowledgement', 'response'],
  check: checkOpening,
  example: {
    severity: 'critical',
    category: 'malicious-code.c2-server',
    actions: ['take-down', 'preserve-evidence'],
    summary: 'Ransomware command server hosted in your networks is controlling infections at our water utilities',
    scope: { networks: ['192.0.2.17/32'] },
    language: 'en',
    tlp: 'RED',
  },
};

/**
 * prior-notice — an activity announced before it starts, so that it is not taken for an attack:
 *   { activity, scope: { networks?, sectors? }, window: { start, end }, text?, language?, tlp? }
 * The lead time (window.start − statement time) must be at least the agreement's priorNoticeLeadTime.
 */
export const priorNotice: StatementTypeSpec = {
  id: 'prior-notice',
  summary: 'Advance notice of an activity (exercise, large scan…) with where and when it takes place.',
  schema: Type.Object({
    activity: Code,
    scope: Scope,
    window: Window,
    text: Type.Optional(LongText),
    ...textFields,
  }, { additionalProperties: false }),
  ...OPENING,
  codes: [{ field: 'activity', list: 'activity' }],
  deadlines: [],
  check: (s, body, ctx) => {
    checkScope(body.scope as ScopeBody, 'body.scope', true);
    checkWindow(body.window as WindowBody, 'body.window');
    checkLeadTime(s, body.window as WindowBody, ctx);
  },
  example: {
    activity: 'cyber-exercise',
    scope: { networks: ['203.0.113.0/24'], sectors: ['energy'] },
    window: { start: '2026-12-01T06:00:00.000Z', end: '2026-12-03T18:00:00.000Z' },
    text: 'National grid defence exercise; simulated attack traffic stays inside the listed network.',
    language: 'en',
  },
};

/** The notice must come at least the agreement's lead time before the window opens. Checked last: see compliance. */
function checkLeadTime(s: Statement, window: WindowBody, ctx: ValidationContext): void {
  const lead = ctx.agreement.deadlines.priorNoticeLeadTime;
  const earliestStart = addDuration(s.time, lead);
  if (Date.parse(window.start) < Date.parse(earliestStart)) {
    throw new ValidationError('prior-notice.lead-time', 'body.window.start',
      `the window starts ${window.start}, less than the agreed lead time ${lead} after the notice (${s.time}); it may start ${earliestStart} at the earliest`);
  }
}

/**
 * consultation-request — a request to meet or talk, to clear up a misperception:
 *   { severity, subject, format, proposed?: { start, end }, tier?, language? }
 * Answered by a response (outcome "accepted" or "declined", for instance).
 */
export const consultationRequest: StatementTypeSpec = {
  id: 'consultation-request',
  summary: 'A request to consult — meet, call or exchange letters — to reduce misperception and tension.',
  schema: Type.Object({
    severity: Code,
    subject: LongText,
    format: Type.Union([Type.Literal('meeting'), Type.Literal('call'), Type.Literal('video-call'), Type.Literal('written')]),
    proposed: Type.Optional(Window),
    participants: Type.Optional(Type.Array(Person, { maxItems: 50 })),
    tier: Type.Optional(TierSchema),
    ...textFields,
  }, { additionalProperties: false }),
  ...OPENING,
  codes: [{ field: 'severity', list: 'severity' }],
  deadlines: ['acknowledgement', 'response'],
  check: (_s, body, ctx) => {
    checkTier(body.tier, 'body.tier', ctx);
    checkWindow(body.proposed as WindowBody | undefined, 'body.proposed');
  },
  example: {
    severity: 'high',
    subject: 'Scanning of our election infrastructure attributed in your press to our services',
    format: 'video-call',
    proposed: { start: '2026-11-24T09:00:00.000Z', end: '2026-11-24T11:00:00.000Z' },
    tier: 'diplomatic',
    language: 'en',
  },
};

export const CASE_OPENING_TYPES: readonly StatementTypeSpec[] = [notification, requestForInformation, requestForAssistance, priorNotice, consultationRequest];
