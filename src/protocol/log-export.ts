/**
 * The audit format of a party's log: JSON Lines, so that years later an auditor can check, with nothing but this
 * file (and, optionally, the signed agreement), everything the party said and that the others witnessed.
 *
 *   {"header": {...}}                                 line 1: format, agreement, party, origin, keys
 *   {"statement": {...}}                              one per statement, in index order 0, 1, 2, …
 *   {"checkpoint": "<signed note>"}                   the log's signed checkpoints, sizes not decreasing
 *   {"cosignature": {"size": N, "witness": P, "line": "— name sig"}}   a witness's cosignature of the checkpoint of size N above it
 *
 * See docs/protocol.md ("The audit format") for the rules a verifier applies.
 */
import { canonicalJson } from './canonical.js';
import { FormatError } from './errors.js';
import { ID_PATTERN, type Statement } from './statement.js';

export const LOG_EXPORT_FORMAT = 'parley-log/v1';

export interface LogHeader {
  format: typeof LOG_EXPORT_FORMAT;
  agreement: string;
  party: string;
  /** The log's origin, "<agreement>/<party>": the first line of its checkpoints. */
  origin: string;
  /** The party's key (C2SP verifier key, Ed25519) at index 0 of the log. Later keys come from key-rotation statements. */
  key: string;
  /** Witnesses' keys (C2SP verifier keys, Ed25519; cosignatures use them re-typed 0x04), by party id. */
  witnesses: Record<string, string[]>;
}

export interface CosignatureRecord {
  /** The size of the checkpoint this cosigns (the latest checkpoint line of that size above it). */
  size: number;
  /** The witnessing party. */
  witness: string;
  /** The C2SP signature line, "— <name> <base64>". */
  line: string;
}

export type ExportLine =
  | { header: LogHeader }
  | { statement: Statement }
  | { checkpoint: string }
  | { cosignature: CosignatureRecord };

export type ExportLineKind = 'header' | 'statement' | 'checkpoint' | 'cosignature';

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Which kind of line this is: exactly one of the four keys. */
export function lineKind(value: unknown): ExportLineKind {
  if (!isObject(value)) throw new FormatError('line.kind', 'line is not a JSON object');
  const keys = Object.keys(value);
  const k = keys[0];
  if (keys.length !== 1 || (k !== 'header' && k !== 'statement' && k !== 'checkpoint' && k !== 'cosignature')) {
    throw new FormatError('line.kind', 'line must have exactly one of "header", "statement", "checkpoint", "cosignature"');
  }
  return k;
}

/** Checks a header's shape. */
export function checkHeader(value: unknown): LogHeader {
  const fail = (m: string): never => {
    throw new FormatError('header.shape', `header: ${m}`);
  };
  if (!isObject(value)) fail('not an object');
  const h = value as Record<string, unknown>;
  if (h.format !== LOG_EXPORT_FORMAT) fail(`format must be "${LOG_EXPORT_FORMAT}", got ${JSON.stringify(h.format)}`);
  if (typeof h.agreement !== 'string' || !ID_PATTERN.test(h.agreement)) fail('agreement must be an agreement id');
  if (typeof h.party !== 'string' || !ID_PATTERN.test(h.party)) fail('party must be a party id');
  if (h.origin !== `${h.agreement as string}/${h.party as string}`) fail('origin must be "<agreement>/<party>"');
  if (typeof h.key !== 'string') fail('key must be a verifier key');
  if (!isObject(h.witnesses)) fail('witnesses must be an object of party id to verifier keys');
  for (const [p, keys] of Object.entries(h.witnesses as Record<string, unknown>)) {
    if (!ID_PATTERN.test(p)) fail(`witnesses: "${p}" is not a party id`);
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) fail(`witnesses.${p} must be a list of verifier keys`);
  }
  return h as unknown as LogHeader;
}

/** Checks a cosignature record's shape. */
export function checkCosignatureRecord(value: unknown): CosignatureRecord {
  const fail = (m: string): never => {
    throw new FormatError('cosignature.shape', `cosignature: ${m}`);
  };
  if (!isObject(value)) fail('not an object');
  const c = value as Record<string, unknown>;
  if (Object.keys(c).length !== 3) fail('must have exactly size, witness and line');
  if (!Number.isSafeInteger(c.size) || (c.size as number) < 0) fail('size must be a non-negative integer');
  if (typeof c.witness !== 'string' || !ID_PATTERN.test(c.witness)) fail('witness must be a party id');
  if (typeof c.line !== 'string' || !c.line.startsWith('— ')) fail('line must be a signature line "— <name> <signature>"');
  return c as unknown as CosignatureRecord;
}

/** One line of the export (no newline). Canonical JSON, so that an export is byte-for-byte reproducible. */
export function formatExportLine(line: ExportLine): string {
  return canonicalJson(line);
}

export interface LogExport {
  header: LogHeader;
  statements: Iterable<Statement>;
  checkpoints: Iterable<{ note: string; cosignatures: Array<Omit<CosignatureRecord, 'size'>>; size: number }>;
}

/** The lines of an export, in order. */
export function* exportLines(log: LogExport): Generator<string> {
  yield formatExportLine({ header: log.header });
  for (const statement of log.statements) yield formatExportLine({ statement });
  for (const cp of log.checkpoints) {
    yield formatExportLine({ checkpoint: cp.note });
    for (const c of cp.cosignatures) yield formatExportLine({ cosignature: { size: cp.size, witness: c.witness, line: c.line } });
  }
}
