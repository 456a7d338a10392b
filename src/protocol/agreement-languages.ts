/**
 * Languages in an agreement: the agreement's working languages, each party's, each contact's, and the texts
 * that must exist in them. A text missing in a language one side works in is a text that side cannot rely on.
 */
import { arrayAt, isRecord, reportDuplicates, type Problems } from './agreement-problems.js';

/** A BCP 47 tag in its common shape: a 2–3 letter primary language, then subtags ("en", "vi", "zh-Hant", "pt-BR"). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/**
 * Checks a list of language tags: well-formed, no repeats, and (when `allowed` is given) each one of `allowed`,
 * which is how a party's languages are held to the agreement's and a contact's to its party's.
 * Returns the well-formed tags.
 */
export function checkLanguageList(problems: Problems, value: unknown, path: string, allowed?: { tags: ReadonlySet<string>; whose: string }): string[] {
  const tags: (string | undefined)[] = arrayAt(value).map((tag, i) => {
    if (typeof tag !== 'string') return undefined;
    if (!LANGUAGE_TAG.test(tag)) {
      problems.add(`${path}[${i}]`, 'agreement.language', `${JSON.stringify(tag)} is not a language tag like "en", "ru" or "vi"`);
      return undefined;
    }
    if (allowed && !allowed.tags.has(tag)) {
      problems.add(`${path}[${i}]`, 'agreement.unknown-language', `"${tag}" is not one of ${allowed.whose} languages (${[...allowed.tags].join(', ')})`);
    }
    return tag;
  });
  reportDuplicates(problems, tags, (i) => `${path}[${i}]`, 'agreement.duplicate-language', 'language');
  return tags.filter((t): t is string => t !== undefined);
}

/** Requires a non-empty text in each of `languages`; `what` says whose text it is, for the message. */
export function requireTexts(problems: Problems, value: unknown, path: string, languages: readonly string[], what: string): void {
  if (!isRecord(value)) return; // reported by the structure check
  for (const lang of languages) {
    if (value[lang] === undefined) problems.add(`${path}.${lang}`, 'agreement.missing-language', `${what} has no text in "${lang}"`);
  }
}
