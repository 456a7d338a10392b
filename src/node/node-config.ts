/**
 * node.json: how one party's node runs — which agreement and party it is, where it listens, where it keeps its data.
 * `parley init` writes it; operators edit it by hand, so every read validates it and names the field that is wrong.
 * Unknown fields are refused: a misspelt optional field ("loglevel") would otherwise be ignored without a word.
 */
import { readFile } from 'node:fs/promises';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { pointerToPath } from '../protocol/agreement-schema.js';
import { ID_PATTERN } from '../protocol/statement.js';

export const NODE_CONFIG_FORMAT = 'parley/node/v1';
export const DEFAULT_FEDERATION_PORT = 8443;
export const DEFAULT_API_PORT = 8080;
export const DEFAULT_DATABASE_FILE = 'parley.db';

/** The config file is wrong: `field` is its path in node.json ("federation.port"), or "" for the file as a whole. */
export class NodeConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(field === '' ? message : `node.json: ${field}: ${message}`);
    this.name = 'NodeConfigError';
  }
}

function closed<T extends Parameters<typeof Type.Object>[0]>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

const Text = Type.String({ minLength: 1 });
/** Port 0 asks the operating system for any free port (tests, demos). */
const Port = Type.Integer({ minimum: 0, maximum: 65535 });

const SqliteDatabase = closed({
  driver: Type.Literal('sqlite'),
  /** Relative to the data directory, unless absolute. */
  file: Text,
});
const PostgresDatabase = closed({
  driver: Type.Literal('postgres'),
  /** postgres://user:password@host:port/db — may hold a password: print it only through redactedConfig. */
  url: Text,
});
const DATABASE_BY_DRIVER: Record<string, TSchema> = { sqlite: SqliteDatabase, postgres: PostgresDatabase };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const NodeConfigSchema = closed({
  format: Type.Literal(NODE_CONFIG_FORMAT),
  agreement: Text,
  party: Text,
  federation: closed({ host: Text, port: Port, url: Text }),
  api: closed({ host: Text, port: Port }),
  database: Type.Union([SqliteDatabase, PostgresDatabase]),
  clock: Type.Optional(closed({ origin: Text, speed: Type.Number({ exclusiveMinimum: 0 }) })),
  logLevel: Type.Optional(Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)))),
});

export type NodeConfig = Static<typeof NodeConfigSchema>;
export type DatabaseConfig = NodeConfig['database'];

/** The allowed values of a union of literals, e.g. "fatal", "error", … */
function allowedValues(schema: TSchema): string {
  const options = (schema.anyOf as TSchema[] | undefined) ?? [schema];
  return options.map((o) => JSON.stringify(o.const)).join(', ');
}

function describe(type: ValueErrorType, value: unknown, message: string, schema: TSchema): string {
  switch (type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a field of node.json (misspelt?)';
    case ValueErrorType.Literal:
    case ValueErrorType.Union:
      return `${JSON.stringify(value)} is not allowed (expected one of ${allowedValues(schema)})`;
    default:
      return `${JSON.stringify(value)}: ${message.replace(/^Expected /, 'expected ')}`;
  }
}

/** The first problem TypeBox finds, as a NodeConfigError naming the field (prefixed by `at`). */
function firstSchemaProblem(schema: TSchema, value: unknown, at = ''): NodeConfigError | undefined {
  const e = Value.Errors(schema, value).First();
  if (!e) return undefined;
  const inner = pointerToPath(e.path);
  const field = at === '' ? inner : inner === '' ? at : `${at}.${inner}`;
  return new NodeConfigError(field, describe(e.type, e.value, e.message, e.schema));
}

/** A union's error says only "expected union value": check the database against the branch its driver names. */
function databaseProblem(db: unknown): NodeConfigError | undefined {
  if (typeof db !== 'object' || db === null) return new NodeConfigError('database', 'must be an object { "driver": "sqlite", "file": … } or { "driver": "postgres", "url": … }');
  const driver = (db as { driver?: unknown }).driver;
  const schema = typeof driver === 'string' ? DATABASE_BY_DRIVER[driver] : undefined;
  if (!schema) return new NodeConfigError('database.driver', `${JSON.stringify(driver)} is not a driver (expected "sqlite" or "postgres")`);
  return firstSchemaProblem(schema, db, 'database');
}

function checkSemantics(c: NodeConfig): void {
  if (!ID_PATTERN.test(c.agreement)) throw new NodeConfigError('agreement', `${JSON.stringify(c.agreement)} is not an agreement id (lowercase letters, digits and hyphens, starting with a letter)`);
  if (!ID_PATTERN.test(c.party)) throw new NodeConfigError('party', `${JSON.stringify(c.party)} is not a party id (lowercase letters, digits and hyphens, starting with a letter)`);
  let url: URL | undefined;
  try {
    url = new URL(c.federation.url);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') throw new NodeConfigError('federation.url', `${JSON.stringify(c.federation.url)} must be an https:// URL (the address peers reach this node at)`);
  if (c.database.driver === 'postgres' && !/^postgres(ql)?:\/\//.test(c.database.url)) {
    throw new NodeConfigError('database.url', 'must start with postgres:// or postgresql://');
  }
  if (c.clock && Number.isNaN(Date.parse(c.clock.origin))) {
    throw new NodeConfigError('clock.origin', `${JSON.stringify(c.clock.origin)} is not an ISO 8601 date and time`);
  }
}

/** Validates a parsed node.json. Throws NodeConfigError naming the first wrong field. */
export function parseNodeConfig(value: unknown): NodeConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NodeConfigError('', 'node.json must hold a JSON object');
  const record = value as Record<string, unknown>;
  const problem = ('database' in record ? databaseProblem(record.database) : undefined) ?? firstSchemaProblem(NodeConfigSchema, value);
  if (problem) throw problem;
  const config = value as NodeConfig;
  checkSemantics(config);
  return config;
}

/** Reads and validates node.json. */
export async function readNodeConfig(path: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new NodeConfigError('', `cannot read ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NodeConfigError('', `${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseNodeConfig(value);
}

/** node.json as written by init: two-space indentation and a final newline, for people who edit it. */
export function formatNodeConfig(config: NodeConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}

/** A postgres URL with its password replaced, or the whole URL if it cannot be parsed (it may still hold one). */
function redactedDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = 'REDACTED';
    return u.toString();
  } catch {
    return 'REDACTED (unparsable URL)';
  }
}

/** The config, safe to log or print: without the database password. */
export function redactedConfig(config: NodeConfig): NodeConfig {
  if (config.database.driver !== 'postgres') return structuredClone(config);
  return { ...structuredClone(config), database: { driver: 'postgres', url: redactedDatabaseUrl(config.database.url) } };
}
