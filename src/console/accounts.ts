/** Making a console account: the password is generated and shown once; the store keeps only its scrypt hash. */
import type { Account, AccountStore } from '../storage/account-store.js';
import type { Role } from '../storage/store.js';
import { hashPassword, newPassword } from './passwords.js';
import { newTotpSecret } from './totp.js';

export interface NewAccount {
  account: Account;
  /** The generated password: shown to the operator once, never stored. */
  password: string;
}

export async function createAccount(accounts: AccountStore, name: string, role: Role, opts: { totp?: boolean; password?: string } = {}): Promise<NewAccount> {
  const password = opts.password ?? newPassword();
  const account: Account = {
    name, role, passwordHash: await hashPassword(password), totpSecret: opts.totp ? newTotpSecret() : null, createdAt: new Date().toISOString(),
  };
  await accounts.add(account);
  return { account, password };
}
