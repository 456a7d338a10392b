/**
 * The TAXII server at 10,000 and at 1,000,000 objects: indicators POSTed in envelopes of up to 10,000 (each
 * envelope validated against the OASIS schemas, signed as one statement, stored durably and projected into the
 * TAXII store), then every object paged back with limit=100 through `next` cursors. Requests go through Fastify's
 * inject (the whole route: auth, negotiation, parsing, serialisation) without a socket.
 *
 * Paging is a keyset walk on the added sequence, never OFFSET, so the time per object paged must not grow with the
 * collection: the ratio of the two runs' paging time per object is the figure to watch (≈ 1 is linear).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import { buildApiServer } from '../src/api/api-server.js';
import { createToken } from '../src/api/tokens.js';
import { systemClock } from '../src/node/clock.js';
import type { PeerTransport } from '../src/node/node-context.js';
import { PartyNode } from '../src/node/party-node.js';
import { openSqliteStore } from '../src/storage/sqlite.js';
import { TAXII_MEDIA_TYPE } from '../src/taxii/media-types.js';
import { example, exampleKey } from '../test/protocol/agreement-fixtures.js';
import type { Section } from './report.js';

const SELF = 'avalon';
const PEER = 'borduria';
const ENVELOPE = 10_000;
const PAGE = 100;

const idlePeer: PeerTransport = { party: PEER, request: () => Promise.reject(new Error('bench: no peer')), close: async () => undefined };

function uuid(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${h}`;
}

function indicator(n: number): Record<string, unknown> {
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(n)}`, created: '2026-11-22T03:10:00.000Z', modified: '2026-11-22T03:10:00.000Z',
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`, pattern_type: 'stix', valid_from: '2026-11-22T03:10:00Z',
  };
}

interface Run { objects: number; postSeconds: number; pageSeconds: number; pages: number }

async function run(dir: string, objects: number): Promise<Run> {
  mkdirSync(dir, { recursive: true });
  const node = await PartyNode.open({
    party: SELF, agreement: example(), signingKey: exampleKey(SELF), store: openSqliteStore(join(dir, 'taxii.db')), clock: systemClock,
    logger: pino({ level: 'silent' }), peers: new Map([[PEER, idlePeer]]),
  });
  const app = await buildApiServer({ node, logger: pino({ level: 'silent' }) });
  try {
    const token = (await createToken(node.store, node.clock, 'bench', 'duty-officer')).token;
    const headers = { authorization: `Bearer ${token}`, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE };
    const url = `/taxii2/${node.agreement.id}/collections/${SELF}/objects/`;
    const postStart = performance.now();
    for (let first = 0; first < objects; first += ENVELOPE) {
      const envelope = { objects: Array.from({ length: Math.min(ENVELOPE, objects - first) }, (_, i) => indicator(first + i)) };
      const res = await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(envelope) });
      const status = res.json() as { success_count?: number };
      if (res.statusCode !== 202 || status.success_count !== envelope.objects.length) throw new Error(`bench: POST refused: ${res.body.slice(0, 300)}`);
    }
    const postSeconds = (performance.now() - postStart) / 1000;
    const pageStart = performance.now();
    let seen = 0;
    let pages = 0;
    let next: string | undefined;
    do {
      const res = await app.inject({ method: 'GET', url: `${url}?limit=${PAGE}${next ? `&next=${next}` : ''}`, headers });
      const body = res.json() as { more: boolean; next?: string; objects: unknown[] };
      seen += body.objects.length;
      pages++;
      next = body.more ? body.next : undefined;
    } while (next);
    const pageSeconds = (performance.now() - pageStart) / 1000;
    if (seen !== objects) throw new Error(`bench: paged ${seen} objects back, posted ${objects}`);
    return { objects, postSeconds, pageSeconds, pages };
  } finally {
    await app.close();
    await node.store.close();
  }
}

const us = (seconds: number, n: number): string => (seconds * 1e6 / n).toFixed(1);

export async function taxiiBench(opts: { dir: string; small: number; large: number }): Promise<Section> {
  const small = await run(join(opts.dir, 'small'), opts.small);
  const large = await run(join(opts.dir, 'large'), opts.large);
  const ratio = (large.pageSeconds / large.objects) / (small.pageSeconds / small.objects);
  const rows = [small, large].map((r) => `| ${r.objects.toLocaleString('en')} | ${r.postSeconds.toFixed(1)} s | ${us(r.postSeconds, r.objects)} µs | ${r.pages.toLocaleString('en')} | ${r.pageSeconds.toFixed(1)} s | ${us(r.pageSeconds, r.objects)} µs |`);
  return {
    id: 'taxii',
    title: 'TAXII 2.1: posting indicators and paging them back',
    body: [
      `Indicators POSTed to the own collection in envelopes of up to ${ENVELOPE.toLocaleString('en')} (each validated with the OASIS STIX 2.1 schemas, signed as one \`indicators\` statement, stored durably in SQLite and projected into the TAXII store), then all paged back with \`limit=${PAGE}\` and \`next\` cursors (bench/taxii.bench.ts, Fastify inject, one process).`,
      '',
      '| objects | post | post per object | pages | paging | paging per object |',
      '|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `Paging time per object, ${large.objects.toLocaleString('en')} against ${small.objects.toLocaleString('en')}: **${ratio.toFixed(2)}×** — paging grows linearly with the collection (keyset pages on the added sequence; a page costs the same at the end of the collection as at its start).`,
    ].join('\n'),
  };
}
