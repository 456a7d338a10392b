/**
 * The `next` cursor of a listing: opaque to clients, but only the position of the last object served in the
 * collection's added sequence. It needs no server state, so it survives a restart, and paging from it skips and
 * repeats nothing whatever was added meanwhile (added objects get higher positions).
 */
import { Buffer } from 'node:buffer';
import { TaxiiError } from './taxii-errors.js';

const PREFIX = 'parley-taxii-1:';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(next: string): number {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(next) ? Buffer.from(next, 'base64url').toString('utf8') : '';
  const m = text.startsWith(PREFIX) ? /^(\d{1,15})$/.exec(text.slice(PREFIX.length)) : null;
  if (!m) throw new TaxiiError(400, 'taxii.next', `"next" must be a value this server returned (got ${JSON.stringify(next.slice(0, 40))})`);
  return Number(m[1]);
}
