import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STATEMENT_TYPES, validateStatement, type StatementTypeSpec } from '../../src/protocol/statement-types.js';
import { BASE_CODEBOOK, codebookFor } from '../../src/protocol/codebook.js';
import { ValidationError } from '../../src/protocol/errors.js';
import { ID_PATTERN, type Statement, type StatementBody } from '../../src/protocol/statement.js';
import type { Agreement } from '../../src/protocol/agreement.js';
import { makeAgreement } from '../support/case-builder.js';
import { projectRoot, vectorsDir } from '../support/paths.js';

const agreement = makeAgreement(['avalon', 'borealis', 'cathay']);
const ctx = { agreement, codebook: BASE_CODEBOOK };
const OTHER_HASH = 'ab'.repeat(32);

/** A statement of type `spec` by avalon, with an envelope that obeys the type's rules, around `body`. */
function envelope(spec: StatementTypeSpec, body: StatementBody = spec.example, over: Partial<Statement> = {}): Statement {
  const refs = Array.from({ length: spec.refs.min }, (_, i) => ({ party: 'borealis', index: i, hash: OTHER_HASH }));
  const to = spec.to === 'all-others' ? ['borealis', 'cathay'] : ['borealis'];
  const b = spec.id === 'receipt' ? { ...body, received: OTHER_HASH } : body;
  return {
    v: 1, agreement: agreement.id, author: 'avalon', index: 7, time: '2026-11-22T03:00:02.000Z', to,
    type: spec.id, case: spec.case === 'none' ? null : 'avalon:2026-0001', refs, body: b, sig: 'AA==', ...over,
  };
}

function spec(id: string): StatementTypeSpec {
  const s = STATEMENT_TYPES.get(id);
  assert.ok(s, id);
  return s;
}

function rejects(s: Statement, rule: string, path?: string, message?: RegExp, c = ctx): void {
  assert.throws(() => validateStatement(s, c), (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.equal(e.rule, rule, e.message);
    if (path !== undefined) assert.equal(e.path, path, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function withBody(id: string, patch: StatementBody, over: Partial<Statement> = {}): Statement {
  return envelope(spec(id), { ...spec(id).example, ...patch }, over);
}

describe('the registry', () => {
  test('has every statement type of the issue, with ids statements can carry', () => {
    const expected = ['notification', 'receipt', 'acknowledgement', 'request-for-information', 'request-for-assistance', 'response',
      'prior-notice', 'consultation-request', 'communication-check', 'communication-check-reply', 'escalation', 'closure',
      'commitment-affirmation', 'contacts-update', 'key-rotation', 'review-report', 'indicators', 'encryption-key-rotation', 'sighting'];
    assert.deepEqual([...STATEMENT_TYPES.keys()].sort(), [...expected].sort());
    for (const id of STATEMENT_TYPES.keys()) assert.match(id, ID_PATTERN);
  });

  test('the types that open cases are the notification, the requests, the prior notice and the consultation request', () => {
    const opening = [...STATEMENT_TYPES.values()].filter((s) => s.opensCase).map((s) => s.id).sort();
    assert.deepEqual(opening, ['consultation-request', 'notification', 'prior-notice', 'request-for-assistance', 'request-for-information']);
    for (const id of ['acknowledgement', 'response', 'escalation', 'closure']) assert.equal(spec(id).case, 'required', id);
  });

  test('every example body is valid in an envelope that follows its type\'s rules', () => {
    for (const s of STATEMENT_TYPES.values()) assert.doesNotThrow(() => validateStatement(envelope(s), ctx), s.id);
  });

  test('docs/statements.md describes every type with its example body', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'statements.md'), 'utf8');
    for (const s of STATEMENT_TYPES.values()) {
      assert.match(doc, new RegExp(`^## \`${s.id}\``, 'm'), s.id);
      assert.ok(doc.includes(JSON.stringify(s.example, null, 2)), `example of ${s.id} is not in the doc as the registry has it`);
    }
  });
});

describe('the envelope rules', () => {
  test('an unknown type, another agreement, a stranger as author or addressee', () => {
    rejects(envelope(spec('notification'), undefined, { type: 'ultimatum' }), 'statement.type', 'type');
    rejects(envelope(spec('notification'), undefined, { agreement: 'other' }), 'statement.agreement');
    rejects(envelope(spec('notification'), undefined, { author: 'mallory' }), 'statement.author');
    rejects(envelope(spec('notification'), undefined, { to: ['borealis', 'zeta'] }), 'statement.to', 'to[1]');
  });

  test('case: required by case statements, refused on channel and standing statements', () => {
    rejects(envelope(spec('acknowledgement'), undefined, { case: null }), 'statement.case');
    rejects(envelope(spec('notification'), undefined, { case: null }), 'statement.case');
    rejects(envelope(spec('communication-check'), undefined, { case: 'avalon:1' }), 'statement.case');
    rejects(envelope(spec('key-rotation'), undefined, { case: 'avalon:1' }), 'statement.case');
    assert.doesNotThrow(() => validateStatement(envelope(spec('receipt'), undefined, { case: null }), ctx));
  });

  test('refs: a receipt, acknowledgement, response or reply refers to exactly one statement, of another party', () => {
    for (const id of ['receipt', 'acknowledgement', 'response', 'communication-check-reply']) {
      rejects(envelope(spec(id), undefined, { refs: [] }), 'statement.refs', 'refs', /exactly 1/);
      rejects(envelope(spec(id), undefined, { refs: [{ party: 'avalon', index: 1, hash: OTHER_HASH }] }), 'statement.refs', 'refs[0].party');
    }
    rejects(envelope(spec('communication-check'), undefined, { refs: [{ party: 'borealis', index: 1, hash: OTHER_HASH }] }), 'statement.refs');
  });

  test('addressees: a receipt goes to the author of what it receives; keys and contacts go to everyone', () => {
    rejects(envelope(spec('receipt'), undefined, { to: ['cathay'] }), 'statement.to');
    rejects(envelope(spec('receipt'), undefined, { to: ['borealis', 'cathay'] }), 'statement.to');
    rejects(envelope(spec('acknowledgement'), undefined, { to: ['cathay'] }), 'statement.to');
    assert.doesNotThrow(() => validateStatement(envelope(spec('response'), undefined, { to: ['borealis', 'cathay'] }), ctx));
    for (const id of ['key-rotation', 'contacts-update', 'commitment-affirmation', 'review-report']) {
      rejects(envelope(spec(id), undefined, { to: ['borealis'] }), 'statement.to', 'to', /every other party/);
    }
  });

  test('a sealed body is not read, but the envelope rules still hold', () => {
    const { body: _b, ...rest } = envelope(spec('notification'));
    // validateStatement does not look inside `sealed` (checkEnvelope checks its shape): any object stands for it here.
    assert.doesNotThrow(() => validateStatement({ ...rest, sealed: { alg: 'later' } as never }, ctx));
    rejects({ ...rest, sealed: {} as never, case: null }, 'statement.case');
  });

  test('a type every witness must read is never sealed', () => {
    const { body: _b, ...rest } = envelope(spec('receipt'));
    rejects({ ...rest, sealed: {} as never }, 'statement.sealed', 'sealed', /never sealed/);
  });
});

describe('bodies', () => {
  test('every code goes through the codebook: unknown codes and free text are refused, naming the field', () => {
    rejects(withBody('notification', { severity: 'severe' }), 'body.unknown-code', 'body.severity', /severity/);
    rejects(withBody('notification', { category: 'Someone hacked our bank' }), 'body.unknown-code', 'body.category');
    rejects(withBody('notification', { actions: ['investigate', 'retaliate'] }), 'body.unknown-code', 'body.actions[1]', /retaliate/);
    rejects(withBody('response', { outcome: 'done' }), 'body.unknown-code', 'body.outcome');
    rejects(withBody('prior-notice', { activity: 'war-game' }), 'body.unknown-code', 'body.activity');
    rejects(withBody('request-for-information', { category: 'high' }), 'body.unknown-code', 'body.category');
  });

  test('a code the agreement adds is accepted under that agreement only', () => {
    const trial = { code: 'satellite-jamming', labels: { en: 'Satellite jamming', ru: 'Подавление спутниковой связи', vi: 'Gây nhiễu vệ tinh' } };
    const extended: Agreement = { ...agreement, codebook: { version: '1', extensions: { activity: [trial] } } };
    const s = withBody('prior-notice', { activity: 'satellite-jamming' });
    assert.doesNotThrow(() => validateStatement(s, { agreement: extended, codebook: codebookFor(extended.codebook) }));
    rejects(s, 'body.unknown-code', 'body.activity');
  });

  test('the schema: missing and unexpected fields, wrong types, impossible dates', () => {
    const { summary: _s, ...noSummary } = spec('notification').example;
    rejects(envelope(spec('notification'), noSummary), 'body.schema', 'body.summary', /required/);
    rejects(withBody('notification', { colour: 'red' }), 'body.schema', 'body.colour');
    rejects(withBody('notification', { actions: [] }), 'body.schema', 'body.actions');
    rejects(withBody('notification', { actions: ['investigate', 'investigate'] }), 'body.schema', 'body.actions');
    rejects(withBody('notification', { firstSeen: '2026-02-30T00:00:00.000Z' }), 'body.schema', 'body.firstSeen');
    rejects(withBody('notification', { firstSeen: '2026-11-22T03:00:00Z' }), 'body.schema', 'body.firstSeen');
    rejects(withBody('notification', { tlp: 'PURPLE' }), 'body.schema', 'body.tlp');
    rejects(withBody('notification', { language: 'English' }), 'body.schema', 'body.language');
    rejects(withBody('acknowledgement', { by: {} }), 'body.schema', 'body.by.name');
  });

  test('free text is kept exactly as written, in any script', () => {
    const summary = 'DDoS-атака на портал ЦИК — tấn công từ chối dịch vụ';
    assert.doesNotThrow(() => validateStatement(withBody('notification', { summary, language: 'ru' }), ctx));
  });

  test('networks are CIDR network addresses; sectors are names; a scope names at least one', () => {
    const nets = (networks: string[]) => withBody('notification', { scope: { networks } });
    for (const ok of ['198.51.100.0/24', '192.0.2.17/32', '0.0.0.0/0', '2001:db8::/32', '2001:db8:0:1::/64', '::ffff:192.0.2.0/120']) {
      assert.doesNotThrow(() => validateStatement(nets([ok]), ctx), ok);
    }
    for (const bad of ['198.51.100.1/24', '198.51.100.0/33', '198.51.100.0', '198.051.100.0/24', '2001:db8::1/32', '2001:DB8::/32', 'example.com/24', '10.0.0.0/08']) {
      rejects(nets([bad]), 'body.schema', 'body.scope.networks[0]');
    }
    rejects(withBody('notification', { scope: {} }), 'body.scope', 'body.scope');
    rejects(withBody('prior-notice', { scope: { networks: [], sectors: [] } }), 'body.scope', 'body.scope');
  });

  test('a tier must be on the agreement\'s ladder, and escalation goes up from the lowest', () => {
    const twoTier: Agreement = { ...agreement, escalation: { ladder: ['technical', 'political'], onOverdue: 'remind' } };
    const c2 = { agreement: twoTier, codebook: BASE_CODEBOOK };
    rejects(withBody('escalation', { tier: 'diplomatic' }), 'body.tier', 'body.tier', /ladder/, c2);
    rejects(withBody('notification', { tier: 'diplomatic' }), 'body.tier', 'body.tier', undefined, c2);
    rejects(withBody('escalation', { tier: 'technical' }), 'body.tier', 'body.tier', /lowest/);
    rejects(withBody('escalation', { reason: 'bored' }), 'body.schema', 'body.reason');
  });
});

describe('prior notice', () => {
  const notice = (time: string, start: string, end = '2026-12-10T00:00:00.000Z') =>
    withBody('prior-notice', { window: { start, end } }, { time });

  test('its lead time must be at least the agreement\'s (P3D here), to the millisecond', () => {
    assert.doesNotThrow(() => validateStatement(notice('2026-11-22T06:00:00.000Z', '2026-11-25T06:00:00.000Z'), ctx));
    rejects(notice('2026-11-22T06:00:00.001Z', '2026-11-25T06:00:00.000Z'), 'prior-notice.lead-time', 'body.window.start', /P3D/);
    rejects(notice('2026-11-24T00:00:00.000Z', '2026-11-25T06:00:00.000Z'), 'prior-notice.lead-time');
  });

  test('the lead time follows the agreement, calendar months included', () => {
    const monthAhead: Agreement = { ...agreement, deadlines: { ...agreement.deadlines, priorNoticeLeadTime: 'P1M' } };
    const c = { agreement: monthAhead, codebook: BASE_CODEBOOK };
    // One month after 31 January is 28 February (2027 is not a leap year).
    assert.doesNotThrow(() => validateStatement(notice('2027-01-31T00:00:00.000Z', '2027-02-28T00:00:00.000Z', '2027-03-02T00:00:00.000Z'), c));
    rejects(notice('2027-01-31T00:00:00.000Z', '2027-02-27T23:59:59.999Z', '2027-03-02T00:00:00.000Z'), 'prior-notice.lead-time', undefined, undefined, c);
  });

  test('its window ends after it starts', () => {
    rejects(notice('2026-11-22T00:00:00.000Z', '2026-12-10T00:00:00.000Z', '2026-12-10T00:00:00.000Z'), 'body.window', 'body.window');
  });
});

describe('type-specific rules', () => {
  test('a receipt names what it received and when, not after it is signed', () => {
    const r = spec('receipt');
    rejects(envelope(r, undefined, { refs: [{ party: 'borealis', index: 0, hash: 'cd'.repeat(32) }] }), 'receipt.received', 'body.received');
    rejects(envelope(r, { received: OTHER_HASH, at: '2026-11-22T03:00:02.001Z' }), 'receipt.at', 'body.at');
  });

  test('a communication check reply says who answered; the agreement may require a person', () => {
    const byPerson: Agreement = { ...agreement, communicationChecks: { ...agreement.communicationChecks, answeredBy: 'person' } };
    const c = { agreement: byPerson, codebook: BASE_CODEBOOK };
    const { person: _p, ...nodeBody } = spec('communication-check-reply').example;
    const plainNodeReply = envelope(spec('communication-check-reply'), { ...nodeBody, answeredBy: 'node' });
    assert.doesNotThrow(() => validateStatement(plainNodeReply, ctx));
    rejects(plainNodeReply, 'communication-check.answered-by', 'body.answeredBy', undefined, c);
    rejects(withBody('communication-check-reply', { answeredBy: 'node' }), 'body.schema', 'body.person');
    rejects(envelope(spec('communication-check-reply'), { ...nodeBody, answeredBy: 'person' }), 'body.schema', 'body.person');
    rejects(withBody('communication-check', { nonce: 'not-hex' }), 'body.schema', 'body.nonce');
  });

  test('a key rotation carries a well-formed Ed25519 key named for the author in this agreement', () => {
    rejects(withBody('key-rotation', { newKey: 'garbage' }), 'key-rotation.key', 'body.newKey');
    rejects(withBody('key-rotation', {}, { author: 'borealis', to: ['avalon', 'cathay'] }), 'key-rotation.key', 'body.newKey', /avalon-borealis\/borealis/);
    const tampered = (spec('key-rotation').example.newKey as string).replace('+1a324f9d+', '+1a324f9e+');
    rejects(withBody('key-rotation', { newKey: tampered }), 'key-rotation.key');
    const sameKey = agreement.parties[0]?.signingKey as string;
    rejects(withBody('key-rotation', { newKey: sameKey }), 'key-rotation.key', 'body.newKey', /key of the agreement/);
  });

  test('commitments affirmed are the agreement\'s; contacts announced are the author\'s own', () => {
    rejects(withBody('commitment-affirmation', { commitments: ['no-first-use', 'world-peace'] }), 'body.unknown-commitment', 'body.commitments[1]');
    const contact = (spec('contacts-update').example.contacts as Array<Record<string, unknown>>)[0];
    rejects(withBody('contacts-update', { contacts: [{ ...contact, party: 'borealis' }] }), 'contacts-update.party', 'body.contacts[0].party');
    rejects(withBody('contacts-update', { contacts: [{ ...contact, tier: 'military' }] }), 'body.schema', 'body.contacts[0].tier');
  });

  test('a review report covers a period that ends after it starts', () => {
    rejects(withBody('review-report', { period: { from: '2027-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' } }), 'body.window', 'body.period');
  });
});

describe('indicators', () => {
  const examples = join(vectorsDir, 'stix', 'examples');
  const bundles = readdirSync(examples).filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(examples, f), 'utf8')) as { type: string; objects: Array<Record<string, unknown>> }] as const);

  test('carries the STIX 2.1 example objects (those of each bundle, or the object itself)', () => {
    assert.ok(bundles.length >= 5);
    for (const [file, stix] of bundles) {
      const objects = stix.type === 'bundle' ? stix.objects : [stix];
      assert.doesNotThrow(() => validateStatement(withBody('indicators', { objects }), ctx), file);
    }
  });

  test('refuses a bundle in place of its objects, an id of another type, and an empty body', () => {
    const [, first] = bundles.find(([, b]) => b.type === 'bundle') as (typeof bundles)[number];
    rejects(withBody('indicators', { objects: [first] }), 'body.schema', 'body.objects[0].type');
    const obj = first.objects[0] as Record<string, unknown>;
    rejects(withBody('indicators', { objects: [{ ...obj, type: 'malware' }] }), 'body.schema', 'body.objects[0].id');
    rejects(withBody('indicators', { objects: [{ ...obj, spec_version: '2.0' }] }), 'body.schema', 'body.objects[0].spec_version');
    rejects(envelope(spec('indicators'), { tlp: 'GREEN' }), 'body.schema', 'body.objects');
    rejects(withBody('indicators', { tlp: 'TLP:RED' }), 'body.schema', 'body.tlp');
  });
});
