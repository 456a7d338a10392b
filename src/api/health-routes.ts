/**
 * /healthz (no token: load balancers and supervisors call it) and /metrics (any role's token: peer names, lag and
 * alarm counts tell an outsider what the channel is going through).
 */
import type { NodeApi } from '../node/node-api.js';
import type { NodeMetrics } from '../node/metrics.js';
import type { ApiApp } from './api-app.js';
import { READERS } from './roles.js';

export function registerHealthRoutes(app: ApiApp, node: NodeApi, metrics: NodeMetrics): void {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'Whether the node and its store answer (200) or not (503); no token needed' },
  }, async (request, reply) => {
    try {
      const logSize = await node.store.logSize(node.party);
      return { status: 'ok', party: node.party, logSize };
    } catch (e) {
      request.log.warn({ err: e }, 'health check: the store does not answer');
      return reply.status(503).send({ status: 'unavailable', party: node.party, message: 'the store does not answer' });
    }
  });

  app.get('/metrics', {
    config: { roles: READERS },
    schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition); any role may read them' },
  }, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
}
