/**
 * `parley account add --data DIR --name NAME --role ROLE [--totp]`: a console account, made on the node's host from
 * its data directory (the node may be running). The generated password (and TOTP secret) are printed once.
 */
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';

interface AccountFlags {
  data: string;
  name: string;
  role: string;
  totp?: boolean;
}

export function registerAccount(program: Command): void {
  const account = program.command('account').description('console accounts (people who log in to the web console)');
  account
    .command('add')
    .description('create a console account; prints its generated password once')
    .requiredOption('--data <dir>', 'the node\'s data directory')
    .requiredOption('--name <name>', 'the login name (letters, digits, ".", "-", "_")')
    .requiredOption('--role <role>', 'duty-officer, approver, auditor or admin')
    .option('--totp', 'require a TOTP code from an authenticator app at login (prints its secret once)')
    .addHelpText('after', `
Example:
  $ parley account add --data ./avalon --name ann --role duty-officer`)
    .action(async (flags: AccountFlags) => {
      const [{ databaseOf, openDataDir }, { openStore }, { AccountStore, AccountExistsError, AccountInvalidError }, { createAccount }, { otpauthUri }, { ROLES }] = await Promise.all([
        import('../node/data-dir.js'), import('../storage/open-store.js'), import('../storage/account-store.js'), import('../console/accounts.js'), import('../console/totp.js'), import('../storage/store.js'),
      ]);
      if (!(ROLES as readonly string[]).includes(flags.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${flags.role}"`);
      const files = await openDataDir(flags.data);
      const store = await openStore(databaseOf(files));
      try {
        const accounts = await AccountStore.open(store.database);
        const made = await createAccount(accounts, flags.name, flags.role as never, { totp: flags.totp === true }).catch((e: unknown) => {
          if (e instanceof AccountExistsError || e instanceof AccountInvalidError) throw new UsageError(e.message);
          throw e;
        });
        console.log(`console account "${flags.name}" (${flags.role}) of ${files.config.party}`);
        console.log(`password: ${made.password}`);
        if (made.account.totpSecret) console.log(`TOTP secret: ${made.account.totpSecret}\n${otpauthUri(`Parley ${files.config.party}`, flags.name, made.account.totpSecret)}`);
        console.log('This is the only time the password is shown; the node keeps only its scrypt hash.');
      } finally {
        await store.close();
      }
    });
}
