/** Token administration: create (the secret is shown once) and list (names and roles only). */
import type { NodeApi } from '../node/node-api.js';
import type { ApiApp } from './api-app.js';
import { ADMINS } from './roles.js';
import { TokenRequest } from './schemas.js';
import { createToken } from './tokens.js';

export function registerTokenRoutes(app: ApiApp, node: NodeApi): void {
  app.post('/tokens', {
    config: { roles: ADMINS },
    schema: { tags: ['tokens'], summary: 'Create a token; its secret is in this answer only', body: TokenRequest },
  }, async (request, reply) => {
    const { token, record } = await createToken(node.store, node.clock, request.body.name, request.body.role);
    request.log.info({ name: record.name, role: record.role }, 'token created');
    return reply.status(201).send({ token, name: record.name, role: record.role, createdAt: record.createdAt });
  });

  app.get('/tokens', {
    config: { roles: ADMINS },
    schema: { tags: ['tokens'], summary: 'The tokens: name, role, creation time (never the secret)' },
  }, async () => (await node.store.tokens()).map((t) => ({ name: t.name, role: t.role, createdAt: t.createdAt })));
}
