/** Helpers for the TAXII tests: requests with the TAXII media types, and STIX indicators to post. */
import { randomUUID } from 'node:crypto';
import type { ApiApp } from '../../src/api/api-app.js';
import { TAXII_MEDIA_TYPE } from '../../src/taxii/media-types.js';
import { TLP2_MARKINGS, type TlpLevel } from '../../src/stix/tlp.js';

export const ROOT = '/taxii2/avalon-borduria';

export function taxiiHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: TAXII_MEDIA_TYPE, ...extra };
}

/** A valid STIX 2.1 indicator for an IPv4 address, optionally TLP-marked and at a given version. */
export function indicator(n: number, opts: { tlp?: TlpLevel; id?: string; modified?: string } = {}): Record<string, unknown> {
  const modified = opts.modified ?? '2026-11-22T03:10:00.000Z';
  return {
    type: 'indicator', spec_version: '2.1', id: opts.id ?? `indicator--${randomUUID()}`,
    created: '2026-11-22T03:10:00.000Z', modified,
    name: `C2 address ${n}`, pattern: `[ipv4-addr:value = '198.51.${(n >> 8) & 255}.${n & 255}']`, pattern_type: 'stix', valid_from: '2026-11-22T03:10:00Z',
    ...(opts.tlp ? { object_marking_refs: [TLP2_MARKINGS[opts.tlp]] } : {}),
  };
}

export async function postObjects(app: ApiApp, token: string, collection: string, objects: unknown[], query = '', root = ROOT): Promise<{ status: number; body: any }> {
  const res = await app.inject({
    method: 'POST', url: `${root}/collections/${collection}/objects/${query}`,
    headers: taxiiHeaders(token, { 'content-type': TAXII_MEDIA_TYPE }), payload: JSON.stringify({ objects }),
  });
  return { status: res.statusCode, body: res.json() };
}

export async function getJson(app: ApiApp, token: string, url: string): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url, headers: taxiiHeaders(token) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
