/**
 * STIX 2.1 validation with the OASIS JSON schemas (ajv's draft 2020-12 build, with formats). The validators are
 * compiled once per object type when the validator is made; validating an object then costs one function call.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readStixSchemas, type StixSchemaFile } from './stix-schemas.js';

// Both packages are CommonJS with a default export; under NodeNext the class sits on `.default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The folders whose schemas describe whole objects (common/ holds shared pieces, plus a few objects named below). */
const OBJECT_FOLDERS = new Set(['sdos', 'sros', 'observables']);
const COMMON_OBJECTS = ['marking-definition', 'language-content', 'extension-definition'];

/**
 * The OASIS `type` pattern `^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-?$` backtracks exponentially on a long run of letters
 * followed by a character it refuses. This is the same language without the nested quantifier; checking it first
 * means the schema's own pattern only ever sees strings it accepts in linear time.
 */
const SAFE_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$/;

export type StixVerdict = { valid: true } | { valid: false; reason: string };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the object' : e.instancePath.slice(1).replace(/\//g, '.');
  const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})`
    : e.keyword === 'enum' ? ` (one of ${JSON.stringify(e.params.allowedValues)})`
    : e.keyword === 'required' ? '' : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

export class StixValidator {
  private readonly byType = new Map<string, ValidateFunction>();
  private readonly custom: ValidateFunction;

  constructor(files: StixSchemaFile[] = readStixSchemas()) {
    // unicodeRegExp off: the OASIS patterns use escapes (`\-`) that JavaScript refuses in unicode mode.
    const ajv = new Ajv2020({ strict: false, allErrors: false, unicodeRegExp: false });
    addFormats(ajv);
    // Internationalised host names and addresses (domain-name, email-addr values): ajv-formats has no checker for
    // them; any string passes, as a schema without `format` would say.
    ajv.addFormat('idn-hostname', true);
    ajv.addFormat('idn-email', true);
    for (const f of files) ajv.addSchema(f.json);
    for (const f of files) {
      if (OBJECT_FOLDERS.has(f.folder) || COMMON_OBJECTS.includes(f.name)) this.byType.set(f.name, ajv.getSchema(f.id)!);
    }
    // A custom object (type x-…) is held to the common properties of every STIX object.
    const core = files.find((f) => f.folder === 'common' && f.name === 'core');
    if (!core) throw new Error('the STIX schemas lack common/core.json');
    this.custom = ajv.getSchema(core.id)!;
  }

  /** The object types the schemas describe. */
  get types(): string[] {
    return [...this.byType.keys()].sort();
  }

  validate(object: unknown): StixVerdict {
    if (!isPlainObject(object)) return { valid: false, reason: 'a STIX object is a JSON object' };
    const type = object.type;
    if (typeof type !== 'string') return { valid: false, reason: 'the object has no "type"' };
    if (type.length > 250 || !SAFE_TYPE.test(type)) return { valid: false, reason: `type ${JSON.stringify(type.slice(0, 60))} is not a STIX type name` };
    if (type === 'bundle') return { valid: false, reason: 'post the objects of a bundle, not the bundle' };
    const check = this.byType.get(type) ?? (type.startsWith('x-') ? this.custom : undefined);
    if (!check) return { valid: false, reason: `unknown STIX 2.1 type "${type}" (custom types start with "x-")` };
    if (check(object)) return { valid: true };
    return { valid: false, reason: (check.errors ?? []).slice(0, 3).map(describe).join('; ') || 'refused by the STIX 2.1 schema' };
  }
}
