/**
 * Fastify with TypeBox: route schemas are TypeBox types, so handlers see the static types, the OpenAPI document is
 * generated from the same schemas, and requests are validated by TypeBox itself (the protocol validates statement
 * bodies with TypeBox too, so both layers agree on formats such as statement times).
 */
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}

/** A request part that does not match its schema: 400 naming the field. */
export class RequestInvalidError extends Error {
  readonly statusCode = 400;
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'RequestInvalidError';
  }
}

/** "/body/to/0" in TypeBox's JSON pointer, under a request part → "to[0]", or the part itself for the root. */
function fieldName(part: string, pointer: string): string {
  const steps = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (steps.length === 0) return part;
  return steps.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/**
 * Validates with TypeBox. Params and query strings arrive as text: they are converted to the schema's types first
 * ("3" → 3). Bodies are taken as sent: a JSON body that says "3" for a number is wrong.
 */
export const typeBoxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = checkerFor(schema);
  const part = httpPart ?? 'body';
  const converts = part === 'querystring' || part === 'params' || part === 'headers';
  return (data: unknown) => {
    const value = converts ? Value.Convert(schema, data) : data;
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    const path = first ? fieldName(part, first.path) : part;
    const got = first?.value === undefined ? 'nothing' : JSON.stringify(first.value)?.slice(0, 80);
    return { error: new RequestInvalidError(path, `${path}: ${first?.message ?? 'invalid'} (got ${got})`) };
  };
};
