/**
 * The durability test's writer (not a test itself): appends to `author`'s log in `file` forever, printing each
 * index only after write() resolved, until the parent kills it with SIGKILL.
 */
import { openSqliteStore } from '../../src/storage/sqlite.js';
import { fakeStatement } from './fake-statements.js';

const [file, author] = process.argv.slice(2);
if (file === undefined || author === undefined) throw new Error('usage: durability-child <file> <author>');
const store = openSqliteStore(file);
await store.migrate();
for (let index = await store.logSize(author); ; index++) {
  await store.write({ statements: [fakeStatement(author, index)] });
  // stdout is a pipe: on Linux this write is synchronous, so what the parent reads was acknowledged before.
  process.stdout.write(`${index}\n`);
}
