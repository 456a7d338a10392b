/**
 * Prometheus metrics of a node, in a registry of its own (several nodes can run in one process: tests, the demo).
 * Counters follow the node's events; gauges are read from the node when scraped, so they are never stale.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { NodeApi } from './node-api.js';

export interface NodeMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  /** Stops following the node's events. */
  close(): void;
}

export function createNodeMetrics(node: NodeApi): NodeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ party: node.party });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const appended = counter('parley_statements_appended_total', 'Statements appended to the own log');
  const mirrored = counter('parley_statements_mirrored_total', "Peers' statements verified and mirrored", ['peer']);
  const deliveries = counter('parley_deliveries_total', 'Deliveries a peer acknowledged', ['peer']);
  const retries = counter('parley_delivery_retries_total', 'Delivery attempts that failed and will be retried', ['peer']);

  const peerGauge = (name: string, help: string, read: (p: Awaited<ReturnType<NodeApi['peers']>>[number]) => number) => new Gauge({
    name, help, labelNames: ['peer'], registers: [registry],
    async collect() {
      this.reset();
      for (const p of await node.peers()) this.set({ peer: p.party }, read(p));
    },
  });
  peerGauge('parley_peer_lag', "Statements of the peer's log known from its checkpoints but not mirrored yet", (p) => p.lag);
  peerGauge('parley_pending_deliveries', 'Own statements the peer has not acknowledged yet', (p) => p.pendingDeliveries);
  new Gauge({
    name: 'parley_overdue_cases', help: 'Open cases with a deadline overdue', registers: [registry],
    async collect() {
      const cases = await node.cases();
      this.set(cases.filter((c) => c.status !== 'closed' && c.deadlines.some((d) => d.overdue)).length);
    },
  });
  // Kept evidence is never deleted, so its count is the number of alarms ever raised, across restarts.
  new Gauge({
    name: 'parley_alarms_total', help: 'Evidence of misbehaviour kept (forks, equivocation, forged statements)', registers: [registry],
    async collect() {
      this.set((await node.evidence()).length);
    },
  });

  const listeners = {
    appended: () => appended.inc(),
    mirrored: (h: { statement: { author: string } }) => mirrored.inc({ peer: h.statement.author }),
    delivered: (peer: string) => deliveries.inc({ peer }),
    deliveryFailed: (peer: string) => retries.inc({ peer }),
  };
  node.events.on('appended', listeners.appended);
  node.events.on('mirrored', listeners.mirrored);
  node.events.on('delivered', listeners.delivered);
  node.events.on('deliveryFailed', listeners.deliveryFailed);

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    close() {
      node.events.off('appended', listeners.appended);
      node.events.off('mirrored', listeners.mirrored);
      node.events.off('delivered', listeners.delivered);
      node.events.off('deliveryFailed', listeners.deliveryFailed);
    },
  };
}
