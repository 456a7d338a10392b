/**
 * encryption-key-rotation — the author announces a new X25519 encryption key; other parties seal to it from then on
 * (docs/protocol.md §2.1, "Keys and rotation"):
 *   { newKey: base64 of the 32-byte X25519 public key, kid: its key id (8 hex digits), reason, text?, language? }
 *
 * Never sealed (sealing-policy.ts): every party must read it to seal to the new key. The author keeps its older keys,
 * so what was sealed to them still opens. `kid` repeats what newKey determines, so that a reader can match the
 * recipients' kids of later sealed bodies against the announcement without computing it; the check holds them equal.
 */
import { Type } from '@sinclair/typebox';
import { encryptionKeyId, parseEncryptionKey } from '../encryption-key.js';
import { FormatError, ValidationError } from '../errors.js';
import type { Statement } from '../statement.js';
import { bodyCheckFor } from '../body-check.js';
import { Language, LongText } from './common.js';
import { KEY_ROTATION_REASONS } from './standing.js';
import type { StatementTypeSpec } from './spec.js';

export const ENCRYPTION_KEY_ROTATION = 'encryption-key-rotation';

const schema = Type.Object({
  newKey: Type.String({ minLength: 44, maxLength: 44 }),
  kid: Type.String({ pattern: '^[0-9a-f]{8}$' }),
  reason: Type.Union(KEY_ROTATION_REASONS.map((r) => Type.Literal(r))),
  text: Type.Optional(LongText),
  language: Type.Optional(Language),
}, { additionalProperties: false });

/** The announced key's raw bytes; throws ValidationError "encryption-key-rotation.key" naming what is wrong. */
function announcedKey(body: { newKey?: unknown; kid?: unknown }): Uint8Array {
  let key: Uint8Array;
  try {
    key = parseEncryptionKey(body.newKey as string);
  } catch (e) {
    if (e instanceof FormatError) throw new ValidationError('encryption-key-rotation.key', 'body.newKey', e.message);
    throw e;
  }
  const kid = encryptionKeyId(key);
  if (body.kid !== kid) throw new ValidationError('encryption-key-rotation.key', 'body.kid', `kid must be the new key's id "${kid}", not ${JSON.stringify(body.kid)}`);
  return key;
}

export const encryptionKeyRotation: StatementTypeSpec = {
  id: ENCRYPTION_KEY_ROTATION,
  summary: 'The author announces its new encryption key; bodies sealed to it from then on use that key.',
  schema,
  opensCase: false,
  case: 'none',
  to: 'all-others',
  codes: [],
  deadlines: [],
  refs: { min: 0, max: 0 },
  check: (_s, body) => void announcedKey(body),
  example: {
    newKey: 'rZCKinCKygdYjNp8TtPkTUlmqAqauy8eS7rFPGdBTjQ=',
    kid: '4f709fba',
    reason: 'scheduled',
  },
};

/**
 * The encryption key a statement announces, when it is a plain encryption-key-rotation with a valid body by its
 * author; undefined otherwise (another type, sealed, or a body that breaks the type's rules: such a statement is
 * mirrored as evidence, never followed).
 */
export function announcedEncryptionKey(s: Statement): Uint8Array | undefined {
  if (s.type !== ENCRYPTION_KEY_ROTATION || s.sealed !== undefined || s.body === undefined || s.case !== null) return undefined;
  if (!bodyCheckFor(schema)(s.body)) return undefined;
  try {
    return announcedKey(s.body);
  } catch (e) {
    if (e instanceof ValidationError) return undefined;
    throw e;
  }
}
