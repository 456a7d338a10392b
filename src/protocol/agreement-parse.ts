/**
 * Reading an agreement from text. Operators author agreements in YAML (comments, no braces to balance);
 * the signed form and everything machines exchange is JSON. Both give the same document, and the same
 * signing bytes: what is signed is the canonical JSON of the validated document, never the text.
 */
import { parseDocument } from 'yaml';
import type { Agreement } from './agreement.js';
import { validateAgreement } from './agreement-validation.js';
import { FormatError } from './errors.js';

export type AgreementTextFormat = 'json' | 'yaml';

/** JSON when the text is a JSON object or array; anything else is read as YAML (of which JSON is a subset anyway). */
export function detectFormat(text: string): AgreementTextFormat {
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError('agreement.json', `the agreement is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * YAML 1.2 core schema: "no", "on" and dates stay strings (YAML 1.1 would turn "no" into false and
 * 2026-01-01 into a Date), and a repeated key is an error rather than a silent overwrite.
 */
function readYaml(text: string): unknown {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) throw new FormatError('agreement.yaml', `the agreement is not valid YAML: ${first.message}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** The parsed text, not yet validated (for a signed form, which wraps the agreement). */
export function readAgreementText(text: string, format: AgreementTextFormat = detectFormat(text)): unknown {
  if (typeof text !== 'string') throw new FormatError('agreement.text', 'the agreement text must be a string');
  return format === 'json' ? readJson(text) : readYaml(text);
}

/** Parses (JSON or YAML, detected when not given) and validates an agreement; see validateAgreement. */
export function parseAgreement(text: string, format?: AgreementTextFormat): Agreement {
  return validateAgreement(readAgreementText(text, format));
}
