/**
 * The codebook: signals with fixed meanings, like INCSEA's — incident categories (after the Reference Security
 * Incident Taxonomy), severities, requested actions, response outcomes, kinds of announced activity — each with
 * its label in English, Russian and Vietnamese. An unknown code is an error, never free text.
 *
 * (Types fixed here first; the entries and functions are completed in this file and codebook-*.ts.)
 */
import type { LocalizedText } from './agreement.js';

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
