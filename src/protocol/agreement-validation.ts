/**
 * Validation of the agreement document: structure (agreement-schema.ts), then the rules between fields — parties
 * and contacts (agreement-parties.ts), durations (agreement-schedule.ts), and the rest here. Every problem is
 * collected; one AgreementValidationError lists them all. A valid document is returned complete, with its
 * defaults written in, so that what the parties sign says everything the software will enforce.
 */
import { TIERS, type Agreement, type CodebookReference } from './agreement.js';
import { checkLanguageList, requireTexts } from './agreement-languages.js';
import { checkContacts, checkParties } from './agreement-parties.js';
import { AgreementValidationError, arrayAt, type AgreementProblem, isRecord, Problems, recordAt, reportDuplicates, stringAt } from './agreement-problems.js';
import { DEFAULT_PRIOR_NOTICE_LEAD_TIME, DEFAULT_REVIEW_CYCLE, checkSchedule } from './agreement-schedule.js';
import { structuralProblems } from './agreement-schema.js';
import { codebookFor, type Codebook } from './codebook.js';
import { ValidationError } from './errors.js';
import { HASH_PATTERN, ID_PATTERN } from './statement.js';

export { AgreementValidationError, type AgreementProblem };

export const AGREEMENT_FORMAT = 'parley/agreement/v1';

function checkHeader(problems: Problems, doc: Record<string, unknown>): void {
  if (typeof doc.format === 'string' && doc.format !== AGREEMENT_FORMAT) {
    problems.add('format', 'agreement.format', `unsupported format ${JSON.stringify(doc.format)} (this software reads "${AGREEMENT_FORMAT}")`);
  }
  const id = stringAt(doc.id);
  if (id !== undefined && !ID_PATTERN.test(id)) problems.add('id', 'agreement.id', `${JSON.stringify(id)} is not an id (lowercase letters, digits and hyphens, starting with a letter)`);
  const version = doc.version;
  if (Number.isInteger(version) && (version as number) < 1) problems.add('version', 'agreement.version', `the first version is 1, got ${String(version)}`);
  // The chain of versions is what makes an amendment's history verifiable: only the first has no predecessor.
  if (version === 1 && doc.previous !== null && doc.previous !== undefined) problems.add('previous', 'agreement.previous', 'version 1 has no previous version: "previous" must be null');
  if (Number.isInteger(version) && (version as number) > 1) {
    if (doc.previous === null) problems.add('previous', 'agreement.previous', `version ${String(version)} is an amendment: "previous" must be the hash of version ${(version as number) - 1}`);
    else if (typeof doc.previous === 'string' && !HASH_PATTERN.test(doc.previous)) problems.add('previous', 'agreement.previous', 'must be a hash: 64 lowercase hex digits');
  }
}

function checkEscalation(problems: Problems, doc: Record<string, unknown>): void {
  const ladder = arrayAt(recordAt(doc.escalation).ladder);
  const at = (i: number) => `escalation.ladder[${i}]`;
  let highest = -1;
  ladder.forEach((tier, i) => {
    if (typeof tier !== 'string') return;
    const rank = (TIERS as readonly string[]).indexOf(tier);
    if (rank < 0) problems.add(at(i), 'agreement.tier', `"${tier}" is not a tier (${TIERS.join(', ')})`);
    else if (rank < highest) problems.add(at(i), 'agreement.ladder-order', `the ladder goes up, lowest first (${TIERS.join(' → ')}): "${tier}" comes after a higher tier`);
    highest = Math.max(highest, rank);
  });
  reportDuplicates(problems, ladder.map(stringAt), at, 'agreement.duplicate-tier', 'tier');
}

function checkCommitments(problems: Problems, doc: Record<string, unknown>, languages: readonly string[]): void {
  const commitments = arrayAt(doc.commitments).map(recordAt);
  commitments.forEach((c, i) => {
    const id = stringAt(c.id);
    if (id !== undefined && !ID_PATTERN.test(id)) problems.add(`commitments[${i}].id`, 'agreement.id', `${JSON.stringify(id)} is not an id (lowercase letters, digits and hyphens, starting with a letter)`);
    requireTexts(problems, c.text, `commitments[${i}].text`, languages, `commitment "${id ?? i}"`);
  });
  reportDuplicates(problems, commitments.map((c) => stringAt(c.id)), (i) => `commitments[${i}].id`, 'agreement.duplicate-id', 'commitment id');
}

/** The codebook the agreement refers to, or undefined (with the codebook's own named problem) if it does not resolve. */
function resolveCodebook(problems: Problems, doc: Record<string, unknown>): Codebook | undefined {
  if (!isRecord(doc.codebook) || problems.has('codebook') || problems.list.some((p) => p.path.startsWith('codebook.'))) return undefined;
  try {
    return codebookFor(doc.codebook as unknown as CodebookReference);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const prefix = `${e.path}: `;
    problems.add(e.path, e.rule, e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message);
    return undefined;
  }
}

/** A copy of a valid document with its defaults written in. */
function withDefaults(doc: Record<string, unknown>): Agreement {
  const a = structuredClone(doc) as unknown as Agreement;
  a.deadlines.priorNoticeLeadTime ??= DEFAULT_PRIOR_NOTICE_LEAD_TIME;
  a.review.cycle ??= DEFAULT_REVIEW_CYCLE;
  return a;
}

/**
 * Checks an agreement document (parsed JSON or YAML) against every rule and returns it typed, as a new object,
 * with defaults applied ("P3D" prior-notice lead time, "P1Y" review cycle).
 * Throws AgreementValidationError listing every problem, each with its field path and rule.
 */
export function validateAgreement(doc: unknown): Agreement {
  if (!isRecord(doc)) throw new AgreementValidationError(structuralProblems(doc));
  const problems = new Problems();
  for (const p of structuralProblems(doc)) problems.add(p.path, p.rule, p.message);
  checkHeader(problems, doc);
  const languages = checkLanguageList(problems, doc.languages, 'languages');
  requireTexts(problems, doc.title, 'title', languages, 'the title');
  const parties = checkParties(problems, doc, new Set(languages));
  checkContacts(problems, doc, parties);
  checkEscalation(problems, doc);
  const codebook = resolveCodebook(problems, doc);
  checkSchedule(problems, doc, codebook);
  checkCommitments(problems, doc, languages);
  problems.throwIfAny();
  return withDefaults(doc);
}
