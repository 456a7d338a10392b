/**
 * The codebook: signals with fixed meanings, like INCSEA's — incident categories (after the Reference Security
 * Incident Taxonomy), severities, requested actions, response outcomes, kinds of activity announced in prior
 * notices — each with its label in English, Russian and Vietnamese. An unknown code is an error, never free text:
 * a signal both sides cannot read the same way is worse than none.
 *
 * An agreement uses a version of the base codebook and may add codes (INCSEA's "trial" signals); it may not
 * redefine or remove any, so that a code read under one agreement means the same under every other.
 */
import type { CodebookReference, LanguageTag, LocalizedText } from './agreement.js';
import { ACTION_ENTRIES, ACTIVITY_ENTRIES, OUTCOME_ENTRIES, SEVERITY_ENTRIES } from './codebook-signals.js';
import { CATEGORY_ENTRIES } from './codebook-categories.js';
import { ValidationError } from './errors.js';

export type CodeList = 'category' | 'severity' | 'action' | 'outcome' | 'activity';
export const CODE_LISTS: readonly CodeList[] = ['category', 'severity', 'action', 'outcome', 'activity'];

export interface CodeEntry {
  code: string;
  labels: LocalizedText;
  /** Optional longer explanation per language. */
  descriptions?: LocalizedText;
}

export interface Codebook {
  version: string;
  lists: Record<CodeList, CodeEntry[]>;
}

/** Every code carries a label in each of these; an agreement's extensions must too. */
export const CODEBOOK_LANGUAGES: readonly LanguageTag[] = ['en', 'ru', 'vi'];

/** Codes: lowercase words joined by hyphens, optionally a class and a type joined by a dot ("intrusions.burglary"). */
export const CODE_PATTERN = /^[a-z][a-z0-9-]{0,62}(?:\.[a-z][a-z0-9-]{0,62})?$/;

/** The severity codes, lowest first. The list is fixed: deadlines in every agreement are keyed by these. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const BASE_CODEBOOK_VERSION = '1';

export const BASE_CODEBOOK: Codebook = deepFreeze({
  version: BASE_CODEBOOK_VERSION,
  lists: {
    category: [...CATEGORY_ENTRIES],
    severity: [...SEVERITY_ENTRIES],
    action: [...ACTION_ENTRIES],
    outcome: [...OUTCOME_ENTRIES],
    activity: [...ACTIVITY_ENTRIES],
  },
});

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

const BASE_BY_VERSION: ReadonlyMap<string, Codebook> = new Map([[BASE_CODEBOOK_VERSION, BASE_CODEBOOK]]);

/** Lookup tables per codebook, built once: validating a log checks thousands of codes. */
const indexes = new WeakMap<Codebook, Record<CodeList, Map<string, CodeEntry>>>();

function indexOf(cb: Codebook): Record<CodeList, Map<string, CodeEntry>> {
  let index = indexes.get(cb);
  if (!index) {
    const build = (list: CodeList) => new Map((cb.lists[list] ?? []).map((e) => [e.code, e] as const));
    index = { category: build('category'), severity: build('severity'), action: build('action'), outcome: build('outcome'), activity: build('activity') };
    indexes.set(cb, index);
  }
  return index;
}

function isCodeList(x: string): x is CodeList {
  return (CODE_LISTS as readonly string[]).includes(x);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Checks one added code and returns it as an entry (labels copied, so the agreement object cannot change it later). */
function extensionEntry(cb: Codebook, list: CodeList, raw: unknown, path: string): CodeEntry {
  if (!isRecord(raw)) throw new ValidationError('codebook.extension', path, 'must be an object with "code" and "labels"');
  const { code, labels } = raw;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    throw new ValidationError('codebook.code-format', `${path}.code`, `${JSON.stringify(code)} is not a code (lowercase words with hyphens, optionally "class.type")`);
  }
  if (hasCode(cb, list, code)) {
    throw new ValidationError('codebook.duplicate-code', `${path}.code`, `code "${code}" already exists in the ${list} list; an agreement may add codes, not redefine them`);
  }
  if (!isRecord(labels)) throw new ValidationError('codebook.missing-label', `${path}.labels`, `code "${code}" needs labels in ${CODEBOOK_LANGUAGES.join(', ')}`);
  for (const lang of CODEBOOK_LANGUAGES) {
    const text = labels[lang];
    if (typeof text !== 'string' || text.trim() === '') {
      throw new ValidationError('codebook.missing-label', `${path}.labels.${lang}`, `code "${code}" has no "${lang}" label`);
    }
  }
  for (const [lang, text] of Object.entries(labels)) {
    if (typeof text !== 'string') throw new ValidationError('codebook.missing-label', `${path}.labels.${lang}`, 'labels must be strings');
  }
  return { code, labels: { ...(labels as LocalizedText) } };
}

/**
 * The codebook an agreement uses: the base codebook of the version it names, with its extensions appended.
 * Throws ValidationError: "codebook.version" (no such base version), "codebook.unknown-list", "codebook.fixed-list"
 * (severities cannot be extended: deadlines are keyed by them), "codebook.code-format", "codebook.duplicate-code",
 * "codebook.missing-label" (an added code without en, ru and vi labels).
 */
export function codebookFor(ref: CodebookReference): Codebook {
  // Every statement is validated against its agreement's codebook: build the extended one once per agreement.
  // (Keyed by the reference object itself; the codebook returned is shared and must not be modified.)
  const known = typeof ref === 'object' && ref !== null ? built.get(ref) : undefined;
  if (known) return known;
  const cb = buildCodebook(ref);
  if (typeof ref === 'object' && ref !== null) built.set(ref, cb);
  return cb;
}

const built = new WeakMap<CodebookReference, Codebook>();

function buildCodebook(ref: CodebookReference): Codebook {
  const base = BASE_BY_VERSION.get(ref?.version);
  if (!base) {
    throw new ValidationError('codebook.version', 'codebook.version', `unknown codebook version ${JSON.stringify(ref?.version)} (this software knows ${[...BASE_BY_VERSION.keys()].join(', ')})`);
  }
  const extensions: unknown = ref.extensions;
  if (extensions === undefined) return base;
  if (!isRecord(extensions)) throw new ValidationError('codebook.extension', 'codebook.extensions', 'must be an object keyed by code list');
  const cb: Codebook = { version: base.version, lists: { ...base.lists } };
  for (const [list, added] of Object.entries(extensions)) {
    const path = `codebook.extensions.${list}`;
    if (!isCodeList(list)) throw new ValidationError('codebook.unknown-list', path, `no code list "${list}" (lists: ${CODE_LISTS.join(', ')})`);
    if (added === undefined) continue;
    if (list === 'severity') throw new ValidationError('codebook.fixed-list', path, `severities are fixed (${SEVERITIES.join(', ')}): deadlines are set per severity`);
    if (!Array.isArray(added)) throw new ValidationError('codebook.extension', path, 'must be an array of codes');
    const entries = [...cb.lists[list]];
    cb.lists[list] = entries;
    added.forEach((raw, i) => {
      indexes.delete(cb);
      entries.push(extensionEntry(cb, list, raw, `${path}[${i}]`));
    });
  }
  indexes.delete(cb);
  return deepFreeze(cb);
}

export function hasCode(cb: Codebook, list: CodeList, code: string): boolean {
  return typeof code === 'string' && indexOf(cb)[list]?.has(code) === true;
}

/** Throws ValidationError "codebook.unknown-code" naming the field, the list and the code. */
export function requireCode(cb: Codebook, list: CodeList, code: unknown, path: string): void {
  if (typeof code !== 'string' || !hasCode(cb, list, code)) {
    throw new ValidationError('codebook.unknown-code', path, `${JSON.stringify(code)} is not a code of the ${list} list (codebook version ${cb.version})`);
  }
}

export function codeList(cb: Codebook, list: CodeList): CodeEntry[] {
  return cb.lists[list];
}

/** The code's label in `lang`, or in English when the codebook has none in that language. */
export function label(cb: Codebook, list: CodeList, code: string, lang: LanguageTag): string {
  requireCode(cb, list, code, '');
  const labels = (indexOf(cb)[list].get(code) as CodeEntry).labels;
  return labels[lang] ?? labels.en ?? code;
}

/** Position of a severity on the scale, 0 for "low": higher is more severe. Throws on an unknown severity. */
export function severityRank(code: string): number {
  const rank = (SEVERITIES as readonly string[]).indexOf(code);
  if (rank < 0) throw new ValidationError('codebook.unknown-code', '', `${JSON.stringify(code)} is not a severity (${SEVERITIES.join(', ')})`);
  return rank;
}
