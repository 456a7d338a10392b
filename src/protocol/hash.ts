/** SHA-256, the only hash of the protocol. crypto.hash is about twice as fast as createHash for small inputs. */
import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
const oneShot: OneShot | undefined = (crypto as unknown as { hash?: OneShot }).hash;

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1 && oneShot) return new Uint8Array(oneShot('sha256', parts[0]!, 'buffer'));
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
