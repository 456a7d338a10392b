/**
 * The fast check of a statement body against its type's TypeBox schema. Every statement a node signs or receives is
 * checked, so the check is compiled once per schema (TypeCompiler) instead of interpreted (Value.Check).
 *
 * One keyword is taken out of the compiled check: `uniqueItems`. TypeBox decides it by hashing every element with
 * a 64-bit FNV-1a over BigInts, which cost more than the rest of a notification's check together. The arrays that
 * must be unique here hold strings (codes, sectors, networks), for which a Set says the same thing; any other array
 * is left to TypeBox. The schema itself is not changed: it is what docs/statements.md and the errors describe.
 *
 * Only a body that fails pays for an explanation: the caller then asks Value.Errors on the original schema.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

export type BodyCheck = (body: unknown) => boolean;

const compiled = new WeakMap<TSchema, BodyCheck>();

/** The check for `schema`, compiled on first use and kept. */
export function bodyCheckFor(schema: TSchema): BodyCheck {
  let check = compiled.get(schema);
  if (!check) {
    check = compileBodyCheck(schema);
    compiled.set(schema, check);
  }
  return check;
}

function compileBodyCheck(schema: TSchema): BodyCheck {
  const found = { unique: false };
  const withoutUnique = TypeCompiler.Compile(stripUniqueItems(schema, found) as TSchema);
  if (!found.unique) return (body) => withoutUnique.Check(body);
  return (body) => withoutUnique.Check(body) && uniqueWhereRequired(schema, body);
}

/** A copy of the schema (TypeBox's symbol keys included) without any `uniqueItems`; notes whether there was one. */
function stripUniqueItems(node: unknown, found: { unique: boolean }): unknown {
  if (Array.isArray(node)) return node.map((n) => stripUniqueItems(n, found));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(node)) {
    if (key === 'uniqueItems') {
      found.unique = true;
      continue;
    }
    copy[key] = stripUniqueItems((node as Record<string | symbol, unknown>)[key], found);
  }
  return copy;
}

/**
 * Whether every array the schema marks `uniqueItems` holds distinct items, for a value that already passed the
 * rest of the check (so its shape follows the schema's objects and arrays).
 */
function uniqueWhereRequired(schema: TSchema, value: unknown): boolean {
  if (schema.anyOf !== undefined || schema.allOf !== undefined || schema.oneOf !== undefined) {
    return Value.Check(schema, value); // a choice between schemas: TypeBox knows which branch applies
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    if (schema.uniqueItems === true && !distinct(schema, value)) return false;
    const items = schema.items as TSchema | undefined;
    return items === undefined || value.every((v) => uniqueWhereRequired(items, v));
  }
  if (schema.type === 'object' && schema.properties !== undefined && value !== null && typeof value === 'object') {
    const properties = schema.properties as Record<string, TSchema>;
    const record = value as Record<string, unknown>;
    return Object.keys(properties).every((k) => record[k] === undefined || uniqueWhereRequired(properties[k]!, record[k]));
  }
  return true;
}

function distinct(schema: TSchema, items: unknown[]): boolean {
  if (items.every((i) => typeof i === 'string')) return new Set(items).size === items.length;
  return Value.Check(schema, items);
}
