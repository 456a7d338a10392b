/**
 * The user API of a node: plain HTTP on the operator's network (by default 127.0.0.1 only), bearer tokens with
 * roles, every request validated by TypeBox, and an OpenAPI 3 document at /docs/json with a browsable UI at /docs.
 * It drives the node only through NodeApi.
 */
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { NodeApi } from '../node/node-api.js';
import { createNodeMetrics, type NodeMetrics } from '../node/metrics.js';
import { API_PREFIX, type ApiApp } from './api-app.js';
import { apiErrorHandler, notFoundHandler } from './api-errors.js';
import { registerAuth } from './auth.js';
import { registerCaseRoutes } from './case-routes.js';
import { registerChannelRoutes } from './channel-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerStatementRoutes } from './statement-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerScheduleRoutes } from './schedule-routes.js';
import type { Scheduler } from '../node/scheduler.js';
import { typeBoxValidatorCompiler, type TypeBoxTypeProvider } from './type-provider.js';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { AccountStore } from '../storage/account-store.js';
import { ApprovalStore } from '../storage/approval-store.js';
import { registerApprovalRoutes } from './approval-routes.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerComplianceRoutes } from './compliance-routes.js';
import { ApiError } from './api-errors.js';
import { consoleBuilt, defaultConsoleDir, registerConsolePages } from '../console/console-pages.js';
import { registerSessionRoutes } from '../console/session-routes.js';
import { registerTaxii } from '../taxii/taxii-server.js'; // TAXII 2.1 (issue 5)

export interface ApiServerOptions {
  node: NodeApi;
  logger: Logger;
  /** Metrics to expose; created for the node when omitted (and closed with the server). */
  metrics?: NodeMetrics;
  /** Largest request body accepted, in bytes (default 1 MiB: a statement's body is at most a few hundred KiB). */
  bodyLimit?: number;
  /** The node's scheduler, for reminders, overdue marks and communication checks (routes absent without it). */
  scheduler?: Scheduler;
  /** The built console (index.html and assets); default: console/ beside the compiled src/ (dist/console). */
  consoleDir?: string;
}

/** Adds the token requirement and the roles to each route's OpenAPI operation. */
function documentRoles(args: { schema: Record<string, unknown>; url: string; route: { config?: unknown } }): { schema: Record<string, unknown>; url: string } {
  const roles = (args.route.config as { roles?: readonly string[] } | undefined)?.roles;
  if (!roles) return { schema: args.schema, url: args.url };
  const description = [args.schema.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
  return { schema: { ...args.schema, description, security: [{ bearerAuth: [] }] }, url: args.url };
}

export async function buildApiServer(opts: ApiServerOptions): Promise<ApiApp> {
  const { node } = opts;
  const metrics = opts.metrics ?? createNodeMetrics(node);
  // Fastify types the instance by the logger given; the routes only need its base logger interface.
  const app = Fastify({ loggerInstance: opts.logger, bodyLimit: opts.bodyLimit ?? 1024 * 1024 })
    .withTypeProvider<TypeBoxTypeProvider>() as unknown as ApiApp;
  app.setValidatorCompiler(typeBoxValidatorCompiler);
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler(notFoundHandler);
  if (!opts.metrics) app.addHook('onClose', async () => metrics.close());

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `Parley node API (${node.party})`, version: '1', description: 'The user API of a Parley node: send statements, follow cases, read the channel. See docs/api.md.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: documentRoles as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // The console (issue 6): accounts and sessions, the two-person rule's approvals, compliance figures, the pages.
  const accounts = await AccountStore.open(node.store.database);
  const approvals = await ApprovalStore.open(node.store.database);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new ApiError(429, 'auth.rate-limited', `too many attempts: try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  registerAuth(app, node.store, accounts);
  registerHealthRoutes(app, node, metrics);
  const consoleDir = opts.consoleDir ?? defaultConsoleDir();
  if (consoleBuilt(consoleDir)) await registerConsolePages(app, consoleDir);
  else opts.logger.info({ dir: consoleDir }, 'the console is not built here (npm run build): the node serves the API only');
  await app.register(async (api) => {
    const typed = api.withTypeProvider<TypeBoxTypeProvider>();
    registerStatementRoutes(typed, node, approvals);
    registerCaseRoutes(typed, node, approvals);
    registerApprovalRoutes(typed, node, approvals);
    registerAccountRoutes(typed, accounts, node.party);
    registerSessionRoutes(typed, accounts, node.party);
    registerComplianceRoutes(typed, node);
    registerChannelRoutes(typed, node);
    registerTokenRoutes(typed, node);
    if (opts.scheduler) registerScheduleRoutes(typed, opts.scheduler);
  }, { prefix: API_PREFIX });
  await registerTaxii(app as never, node); // TAXII 2.1 under /taxii2/ (issue 5): see docs/taxii.md
  return app;
}

export interface RunningApi {
  url: string;
  app: ApiApp;
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions & { host?: string; port?: number }): Promise<RunningApi> {
  const app = await buildApiServer(opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, app, close: () => app.close() };
}
