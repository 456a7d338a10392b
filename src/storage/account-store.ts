/**
 * Console accounts and their sessions, in the node's database beside the core store (a feature store).
 *
 * An account is a person: a unique name, a role (the same roles as API tokens), a scrypt password hash and an
 * optional TOTP secret. A session is kept only as the SHA-256 of its secret with an expiry, so a copy of the
 * database opens no session; the secret lives in the person's HttpOnly cookie.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { migrateFeature, textType, type StoreDatabase } from './feature-store.js';
import { ROLES, type Role } from './store.js';

export interface Account {
  name: string;
  role: Role;
  passwordHash: string;
  /** Base32 TOTP secret when the account uses a second factor. */
  totpSecret: string | null;
  createdAt: string;
}

export interface Session {
  account: string;
  createdAt: string;
  expiresAt: string;
}

/** An account name is a person's login: letters, digits, dot, dash, underscore. */
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class AccountExistsError extends Error {
  readonly rule = 'account.exists';
  constructor(name: string) {
    super(`an account named "${name}" already exists`);
    this.name = 'AccountExistsError';
  }
}

export class AccountInvalidError extends Error {
  constructor(readonly rule: string, message: string) {
    super(message);
    this.name = 'AccountInvalidError';
  }
}

export function sessionHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function migrations(database: StoreDatabase) {
  const text = textType(database.dialect);
  return {
    '001-accounts': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('console_accounts')
          .addColumn('name', text, (c) => c.primaryKey())
          .addColumn('role', text, (c) => c.notNull())
          .addColumn('password_hash', text, (c) => c.notNull())
          .addColumn('totp_secret', text)
          .addColumn('created_at', text, (c) => c.notNull())
          .execute();
        await db.schema.createTable('console_sessions')
          .addColumn('session_hash', text, (c) => c.primaryKey())
          .addColumn('account', text, (c) => c.notNull().references('console_accounts.name').onDelete('cascade'))
          .addColumn('created_at', text, (c) => c.notNull())
          .addColumn('expires_at', text, (c) => c.notNull())
          .execute();
      },
    },
  };
}

interface AccountRow {
  name: string;
  role: string;
  password_hash: string;
  totp_secret: string | null;
  created_at: string;
}

function toAccount(r: AccountRow): Account {
  return { name: r.name, role: r.role as Role, passwordHash: r.password_hash, totpSecret: r.totp_secret, createdAt: r.created_at };
}

export class AccountStore {
  private constructor(private readonly db: Kysely<any>) {}

  static async open(database: StoreDatabase): Promise<AccountStore> {
    await migrateFeature(database, 'accounts', migrations(database));
    return new AccountStore(database.db);
  }

  async add(account: Account): Promise<void> {
    if (!ACCOUNT_NAME.test(account.name)) throw new AccountInvalidError('account.name', `an account name is 1–64 letters, digits, ".", "-" or "_", starting with a letter or digit (got ${JSON.stringify(account.name)})`);
    if (!ROLES.includes(account.role)) throw new AccountInvalidError('account.role', `the role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(account.role)})`);
    if (await this.byName(account.name)) throw new AccountExistsError(account.name);
    await this.db.insertInto('console_accounts').values({
      name: account.name, role: account.role, password_hash: account.passwordHash, totp_secret: account.totpSecret, created_at: account.createdAt,
    }).execute();
  }

  async byName(name: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('console_accounts').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toAccount(row as AccountRow) : undefined;
  }

  async all(): Promise<Account[]> {
    const rows = await this.db.selectFrom('console_accounts').selectAll().orderBy('name').execute();
    return rows.map((r) => toAccount(r as AccountRow));
  }

  /** Keeps a new session (its secret's hash only). */
  async addSession(secret: string, session: Session): Promise<void> {
    await this.db.insertInto('console_sessions').values({
      session_hash: sessionHash(secret), account: session.account, created_at: session.createdAt, expires_at: session.expiresAt,
    }).execute();
  }

  /** The account of a session that has not expired at `nowIso`. */
  async sessionAccount(secret: string, nowIso: string): Promise<{ session: Session; account: Account } | undefined> {
    const row = await this.db.selectFrom('console_sessions').selectAll().where('session_hash', '=', sessionHash(secret)).executeTakeFirst();
    if (!row || row.expires_at <= nowIso) return undefined;
    const account = await this.byName(row.account as string);
    return account ? { session: { account: row.account, createdAt: row.created_at, expiresAt: row.expires_at }, account } : undefined;
  }

  async endSession(secret: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('session_hash', '=', sessionHash(secret)).execute();
  }

  /** Forgets sessions that expired before `nowIso` (they open nothing already; this keeps the table small). */
  async endExpired(nowIso: string): Promise<number> {
    const r = await this.db.deleteFrom('console_sessions').where('expires_at', '<=', nowIso).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
