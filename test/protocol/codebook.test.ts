import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_CODEBOOK, CODE_LISTS, CODE_PATTERN, SEVERITIES, codeList, codebookFor, hasCode, label, requireCode, severityRank,
} from '../../src/protocol/codebook.js';
import { ValidationError } from '../../src/protocol/errors.js';

function throwsRule(fn: () => unknown, rule: string, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.equal(e.rule, rule);
    if (path !== undefined) assert.equal(e.path, path);
    return true;
  });
}

/**
 * The Reference Security Incident Taxonomy, classes and types as its machine-readable file names them
 * (enisaeu/Reference-Security-Incident-Taxonomy-Task-Force, working_copy/machinev1), typed here from that source.
 */
const RSIT: Record<string, string[]> = {
  'abusive-content': ['spam', 'harmful-speech', 'violence'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution', 'malware-configuration'],
  'information-gathering': ['scanner', 'sniffing', 'social-engineering'],
  'intrusion-attempts': ['ids-alert', 'brute-force', 'exploit'],
  intrusions: ['privileged-account-compromise', 'unprivileged-account-compromise', 'application-compromise', 'system-compromise', 'burglary'],
  availability: ['dos', 'ddos', 'misconfiguration', 'sabotage', 'outage'],
  'information-content-security': ['unauthorised-information-access', 'unauthorised-information-modification', 'data-loss', 'data-leak'],
  fraud: ['unauthorized-use-of-resources', 'copyright', 'masquerade', 'phishing'],
  vulnerable: ['weak-crypto', 'ddos-amplifier', 'potentially-unwanted-accessible', 'information-disclosure', 'vulnerable-system'],
  other: ['other', 'undetermined'],
  test: ['test'],
};

describe('the base codebook', () => {
  test('is version "1" and has every list', () => {
    assert.equal(BASE_CODEBOOK.version, '1');
    for (const list of CODE_LISTS) assert.ok(codeList(BASE_CODEBOOK, list).length > 0, list);
  });

  test('severities are exactly low, medium, high, critical, in that order', () => {
    assert.deepEqual(codeList(BASE_CODEBOOK, 'severity').map((e) => e.code), ['low', 'medium', 'high', 'critical']);
    assert.deepEqual([...SEVERITIES], ['low', 'medium', 'high', 'critical']);
    assert.ok(severityRank('critical') > severityRank('high') && severityRank('high') > severityRank('medium') && severityRank('medium') > severityRank('low'));
    throwsRule(() => severityRank('severe'), 'codebook.unknown-code');
  });

  test('holds every class and type of the RSIT, as "class" and "class.type"', () => {
    for (const [cls, types] of Object.entries(RSIT)) {
      assert.ok(hasCode(BASE_CODEBOOK, 'category', cls), cls);
      for (const t of types) assert.ok(hasCode(BASE_CODEBOOK, 'category', `${cls}.${t}`), `${cls}.${t}`);
    }
  });

  test('holds the codes the issue names for actions, outcomes, activities and elections', () => {
    const named: Array<[Parameters<typeof hasCode>[1], string]> = [
      ['category', 'malicious-code.ransomware'], ['category', 'election.infrastructure-interference'],
      ['action', 'investigate'], ['action', 'mitigate'], ['action', 'block-source'], ['action', 'provide-information'],
      ['action', 'take-down'], ['action', 'preserve-evidence'], ['action', 'acknowledge-only'],
      ['outcome', 'action-taken'], ['outcome', 'investigating'], ['outcome', 'no-evidence-found'],
      ['outcome', 'not-within-jurisdiction'], ['outcome', 'declined'], ['outcome', 'information-provided'],
      ['activity', 'cyber-exercise'], ['activity', 'large-scale-scanning'], ['activity', 'penetration-test'],
      ['activity', 'infrastructure-maintenance'], ['activity', 'sinkholing'],
    ];
    for (const [list, code] of named) assert.ok(hasCode(BASE_CODEBOOK, list, code), `${list} ${code}`);
  });

  test('every code is well-formed, unique in its list, and a type\'s class exists', () => {
    for (const list of CODE_LISTS) {
      const codes = codeList(BASE_CODEBOOK, list).map((e) => e.code);
      assert.equal(new Set(codes).size, codes.length, `duplicates in ${list}`);
      for (const c of codes) {
        assert.match(c, CODE_PATTERN);
        if (c.includes('.')) assert.ok(codes.includes(c.split('.')[0] as string), `class of ${c}`);
      }
    }
  });

  test('every code has an English, a Russian (Cyrillic) and a Vietnamese label, each its own', () => {
    for (const list of CODE_LISTS) {
      for (const { code, labels } of codeList(BASE_CODEBOOK, list)) {
        assert.ok(labels.en && labels.en.trim() !== '', `${code} en`);
        assert.match(labels.ru ?? '', /[А-Яа-яЁё]/, `${code} ru`);
        assert.ok(labels.vi && labels.vi.trim() !== '' && labels.vi !== labels.en, `${code} vi`);
        assert.doesNotMatch(labels.vi ?? '', /[А-Яа-яЁё]/, `${code} vi is not Russian`);
      }
    }
  });

  test('Vietnamese labels are written with Vietnamese letters, not stripped of their diacritics', () => {
    const vi = CODE_LISTS.flatMap((l) => codeList(BASE_CODEBOOK, l).map((e) => e.labels.vi ?? ''));
    const marked = vi.filter((t) => /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i.test(t));
    // Nearly every Vietnamese phrase has a tone mark; a handful of short words ("Cao") legitimately have none.
    assert.ok(marked.length >= vi.length * 0.9, `${vi.length - marked.length} of ${vi.length} Vietnamese labels have no diacritics`);
  });

  test('cannot be changed in place', () => {
    assert.throws(() => { (BASE_CODEBOOK.lists.severity as unknown[]).push({ code: 'x', labels: {} }); });
  });
});

describe('codes are looked up, never taken as free text', () => {
  test('requireCode names the field, the list and the code', () => {
    assert.doesNotThrow(() => requireCode(BASE_CODEBOOK, 'category', 'availability.ddos', 'body.category'));
    assert.throws(() => requireCode(BASE_CODEBOOK, 'category', 'DDoS attack on our bank', 'body.category'), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.rule, 'codebook.unknown-code');
      assert.equal(e.path, 'body.category');
      assert.match(e.message, /category/);
      assert.match(e.message, /DDoS attack on our bank/);
      return true;
    });
    throwsRule(() => requireCode(BASE_CODEBOOK, 'severity', 'availability.ddos', 'body.severity'), 'codebook.unknown-code', 'body.severity');
    throwsRule(() => requireCode(BASE_CODEBOOK, 'severity', 3, 'body.severity'), 'codebook.unknown-code', 'body.severity');
  });

  test('a code of one list is not a code of another', () => {
    assert.equal(hasCode(BASE_CODEBOOK, 'action', 'high'), false);
    assert.equal(hasCode(BASE_CODEBOOK, 'severity', 'high'), true);
  });

  test('labels in each language, falling back to English', () => {
    assert.equal(label(BASE_CODEBOOK, 'category', 'fraud.phishing', 'ru'), 'Фишинг');
    assert.equal(label(BASE_CODEBOOK, 'severity', 'critical', 'en'), 'Critical');
    assert.equal(label(BASE_CODEBOOK, 'severity', 'critical', 'fr'), 'Critical');
    throwsRule(() => label(BASE_CODEBOOK, 'severity', 'extreme', 'en'), 'codebook.unknown-code');
  });
});

describe('an agreement\'s codebook', () => {
  const trial = { code: 'satellite-interference', labels: { en: 'Satellite link interference', ru: 'Помехи спутниковой связи', vi: 'Gây nhiễu đường truyền vệ tinh' } };

  test('without extensions is the base codebook', () => {
    assert.equal(codebookFor({ version: '1' }), BASE_CODEBOOK);
  });

  test('adds its codes to the lists it names, leaving the base codebook as it was', () => {
    const cb = codebookFor({ version: '1', extensions: { category: [trial] } });
    assert.ok(hasCode(cb, 'category', 'satellite-interference'));
    assert.ok(hasCode(cb, 'category', 'fraud.phishing'));
    assert.equal(label(cb, 'category', 'satellite-interference', 'vi'), 'Gây nhiễu đường truyền vệ tinh');
    assert.equal(hasCode(BASE_CODEBOOK, 'category', 'satellite-interference'), false);
    assert.equal(codeList(cb, 'category').length, codeList(BASE_CODEBOOK, 'category').length + 1);
  });

  test('refuses an unknown base version', () => {
    throwsRule(() => codebookFor({ version: '2' }), 'codebook.version', 'codebook.version');
  });

  test('refuses a code that already exists, in the base or earlier in the extension', () => {
    throwsRule(() => codebookFor({ version: '1', extensions: { action: [{ ...trial, code: 'investigate' }] } }),
      'codebook.duplicate-code', 'codebook.extensions.action[0].code');
    throwsRule(() => codebookFor({ version: '1', extensions: { activity: [trial, trial] } }),
      'codebook.duplicate-code', 'codebook.extensions.activity[1].code');
  });

  test('refuses an added code without its three labels', () => {
    const { vi: _vi, ...noVi } = trial.labels;
    throwsRule(() => codebookFor({ version: '1', extensions: { outcome: [{ code: 'escalated-internally', labels: noVi }] } }),
      'codebook.missing-label', 'codebook.extensions.outcome[0].labels.vi');
    throwsRule(() => codebookFor({ version: '1', extensions: { outcome: [{ code: 'x', labels: { ...trial.labels, ru: ' ' } }] } }),
      'codebook.missing-label', 'codebook.extensions.outcome[0].labels.ru');
  });

  test('refuses new severities, unknown lists and malformed codes', () => {
    throwsRule(() => codebookFor({ version: '1', extensions: { severity: [{ ...trial, code: 'extreme' }] } }), 'codebook.fixed-list');
    throwsRule(() => codebookFor({ version: '1', extensions: { signal: [trial] } }), 'codebook.unknown-list', 'codebook.extensions.signal');
    throwsRule(() => codebookFor({ version: '1', extensions: { action: [{ ...trial, code: 'Block Source' }] } }), 'codebook.code-format');
  });
});
