import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file that holds package.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    // Compiled elsewhere (tsc --outDir /tmp/…): fall back to the working directory, where npm runs tests.
    if (up === dir) {
      if (existsSync(join(process.cwd(), 'package.json'))) return process.cwd();
      throw new Error('test support: cannot find the project root (no package.json above ' + dir + ')');
    }
    dir = up;
  }
  return dir;
}

export const projectRoot = findRoot();
/** Outside test vectors are read in place, never copied: ../shared/vectors beside the project. */
export const vectorsDir = resolve(projectRoot, '..', 'shared', 'vectors');
export const examplesDir = join(projectRoot, 'examples');
