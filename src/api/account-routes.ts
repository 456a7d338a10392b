/** Console accounts, for admins: create (the generated password is in this answer only) and list (no secrets). */
import { Type } from '@sinclair/typebox';
import { createAccount } from '../console/accounts.js';
import { otpauthUri } from '../console/totp.js';
import { AccountExistsError, AccountInvalidError, type AccountStore } from '../storage/account-store.js';
import type { ApiApp } from './api-app.js';
import { ApiError } from './api-errors.js';
import { ADMINS } from './roles.js';
import { TokenRequest } from './schemas.js';

const AccountRequest = Type.Object({
  ...TokenRequest.properties,
  totp: Type.Optional(Type.Boolean({ description: 'give the account a TOTP second factor (its secret is in the answer only)' })),
}, { additionalProperties: false });

export function registerAccountRoutes(app: ApiApp, accounts: AccountStore, party: string): void {
  app.post('/accounts', {
    config: { roles: ADMINS },
    schema: { tags: ['console'], summary: 'Create a console account; its generated password (and TOTP secret) are in this answer only', body: AccountRequest },
  }, async (request, reply) => {
    const { name, role, totp } = request.body;
    try {
      const { account, password } = await createAccount(accounts, name, role, { totp: totp === true });
      request.log.info({ account: name, role }, 'console account created');
      return reply.status(201).send({
        name, role, password, createdAt: account.createdAt,
        ...(account.totpSecret ? { totpSecret: account.totpSecret, otpauth: otpauthUri(`Parley ${party}`, name, account.totpSecret) } : {}),
      });
    } catch (e) {
      if (e instanceof AccountExistsError) throw new ApiError(409, e.rule, e.message);
      if (e instanceof AccountInvalidError) throw new ApiError(400, e.rule, e.message, 'name');
      throw e;
    }
  });

  app.get('/accounts', {
    config: { roles: ADMINS },
    schema: { tags: ['console'], summary: 'The console accounts: name, role, second factor, creation time (no secrets)' },
  }, async () => (await accounts.all()).map((a) => ({ name: a.name, role: a.role, totp: a.totpSecret !== null, createdAt: a.createdAt })));
}
