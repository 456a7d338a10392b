/**
 * The TAXII 2.1 media types, and content negotiation: a client that cannot take TAXII 2.1 JSON gets 406, a POST of
 * anything but a TAXII (or STIX) 2.1 envelope gets 415.
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** The Content-Type of answers: with its charset, so that Fastify leaves it as written (it would quote "2.1"). */
export const TAXII_CONTENT_TYPE = `${TAXII_MEDIA_TYPE};charset=utf-8`;
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** The most an envelope POSTed may weigh: under the federation's body limit (8 MiB), which the statement must cross. */
export const MAX_CONTENT_LENGTH = 6 * 1024 * 1024;

interface MediaRange {
  essence: string;
  version: string | undefined;
}

function parseRange(text: string): MediaRange {
  const [essence = '', ...params] = text.split(';').map((p) => p.trim());
  let version: string | undefined;
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim());
    if (k?.toLowerCase() === 'version') version = v?.replace(/^"|"$/g, '');
  }
  return { essence: essence.toLowerCase(), version };
}

function isTaxiiOrStix(r: MediaRange, allowStix: boolean): boolean {
  const ours = r.essence === 'application/taxii+json' || (allowStix && r.essence === 'application/stix+json');
  return ours && (r.version === undefined || r.version === '2.1');
}

/**
 * Whether an Accept header lets the server answer with TAXII 2.1 JSON. `allowStix`: the objects endpoints also take
 * the STIX media type, which several clients send. Wildcards accept; q-values of 0 refuse.
 */
export function acceptsTaxii(accept: string | undefined, allowStix: boolean): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    if (/;\s*q=0(\.0*)?\s*(;|$)/i.test(part)) return false;
    const r = parseRange(part);
    return r.essence === '*/*' || r.essence === 'application/*' || isTaxiiOrStix(r, allowStix);
  });
}

/** Whether a request's Content-Type is a TAXII (or STIX) 2.1 envelope. */
export function isEnvelopeContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && isTaxiiOrStix(parseRange(contentType), true);
}
