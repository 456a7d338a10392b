/**
 * The OASIS STIX 2.1 JSON schemas a running node validates with: an exact copy of the OASIS text vendored in
 * `stix-schemas/` at the package root (a test proves it byte-identical to the shared vectors), read at start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STIX_SCHEMAS_FOLDER = 'stix-schemas';

/** One schema file: its `$id`, the folder it sits in (sdos, sros, observables, common), its name and its JSON. */
export interface StixSchemaFile {
  id: string;
  folder: string;
  name: string;
  json: Record<string, unknown>;
}

/**
 * The folder holding the vendored schemas: the nearest `stix-schemas/` above this module (the package root, whether
 * it runs from dist/ or from src/), else the working directory's (a build compiled elsewhere, run from the project).
 */
export function stixSchemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, STIX_SCHEMAS_FOLDER, 'common'))) return join(dir, STIX_SCHEMAS_FOLDER);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const here = join(process.cwd(), STIX_SCHEMAS_FOLDER);
  if (existsSync(join(here, 'common'))) return here;
  throw new Error(`the STIX 2.1 schemas (${STIX_SCHEMAS_FOLDER}/) are missing from the package`);
}

export function readStixSchemas(dir = stixSchemasDir()): StixSchemaFile[] {
  const files: StixSchemaFile[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of readdirSync(join(dir, folder)).filter((f) => f.endsWith('.json')).sort()) {
      const json = JSON.parse(readFileSync(join(dir, folder, file), 'utf8')) as Record<string, unknown>;
      files.push({ id: String(json.$id), folder, name: file.replace(/\.json$/, ''), json });
    }
  }
  return files;
}
