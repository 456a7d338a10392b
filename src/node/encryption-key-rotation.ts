/**
 * A party rotates its encryption key (docs/protocol.md §2.1, "Keys and rotation"): a new X25519 key pair is added
 * to DIR/encryption.key — after the older ones, which stay so that what was sealed to them still opens — and the node
 * signs and sends an encryption-key-rotation to every other party; each seals to the new key once it mirrors it.
 *
 * The order matters: the key is on disk (synced) before the statement that announces it is signed. The other way
 * round, a crash in between would leave peers sealing to a key that nobody holds.
 */
import { randomBytes } from 'node:crypto';
import { encryptionKeyPair, formatEncryptionKey, type EncryptionKeyPair } from '../protocol/encryption-key.js';
import { ENCRYPTION_KEY_ROTATION } from '../protocol/bodies/encryption-key-rotation.js';
import type { KEY_ROTATION_REASONS } from '../protocol/bodies/standing.js';
import type { HashedStatement } from '../protocol/statement.js';
import { appendEncryptionKey } from './key-file.js';
import type { PartyNode } from './party-node.js';

export type EncryptionKeyRotationReason = (typeof KEY_ROTATION_REASONS)[number];

export interface EncryptionKeyRotated {
  keyPair: EncryptionKeyPair;
  /** How many keys the file holds now, the new one last. */
  keys: number;
  statement: HashedStatement;
}

/**
 * Makes a new encryption key, appends it to `keyFile` (this party's DIR/encryption.key), lets `node` open with it
 * and sends the rotation. `random` is injectable for tests.
 */
export async function rotateEncryptionKey(
  node: PartyNode, keyFile: string, reason: EncryptionKeyRotationReason, random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Promise<EncryptionKeyRotated> {
  const keyPair = encryptionKeyPair(random(32));
  const keys = await appendEncryptionKey(keyFile, `${node.agreement.id}/${node.party}`, keyPair);
  node.ctx.sealing.addKeyPair(keyPair);
  const statement = await node.send({ type: ENCRYPTION_KEY_ROTATION, body: { newKey: formatEncryptionKey(keyPair.publicKey), kid: keyPair.id, reason } });
  return { keyPair, keys: keys.length, statement };
}
