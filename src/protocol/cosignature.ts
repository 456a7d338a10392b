/**
 * C2SP tlog-cosignature v1 (timestamped Ed25519, key type 0x04): a witness's statement that, at the given time,
 * this checkpoint was the largest consistent tree head it had seen of that log.
 *   signed message:  "cosignature/v1\ntime <seconds>\n" || checkpoint text
 *   signature line:  "— <witness name> base64(key ID[4] || time[8, big-endian] || Ed25519 signature[64])"
 * The witness key ID is computed with type 0x04, so a party's single Ed25519 key yields different IDs for its own
 * checkpoints (0x01) and for its cosignatures of others' checkpoints.
 */
import { FormatError, ProtocolError, SignatureError } from './errors.js';
import { concatBytes, utf8 } from './encoding.js';
import { sign, type SigningKey } from './keys.js';
import { COSIGNATURE_TYPE, cosignatureVerifierKey, keyId, keyIdHex } from './note-key.js';
import { parseCheckpoint } from './checkpoint.js';
import {
  COSIGNATURE_TIME_BYTES,
  cosignatureTime,
  cosignedMessage,
  formatSignatureLine,
  parseSignatureLine,
  verifierFromKey,
} from './signed-note.js';

function assertTime(timeSeconds: number): void {
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) {
    throw new FormatError('cosignature.time', `cosignature time ${timeSeconds} is not a whole number of seconds since 1970`);
  }
}

function timeBytes(timeSeconds: number): Uint8Array {
  const bytes = new Uint8Array(COSIGNATURE_TIME_BYTES);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(timeSeconds), false);
  return bytes;
}

/** The witness's signature line (no newline) over a checkpoint text, at `timeSeconds` (POSIX). */
export function cosign(checkpointText: string, witnessKey: SigningKey, witnessName: string, timeSeconds: number): string {
  parseCheckpoint(checkpointText); // a witness cosigns checkpoints, nothing else
  assertTime(timeSeconds);
  const signature = sign(witnessKey, cosignedMessage(utf8(checkpointText), BigInt(timeSeconds)));
  return formatSignatureLine({
    name: witnessName,
    keyId: keyId(witnessName, COSIGNATURE_TYPE, witnessKey.publicKey.raw),
    signature: concatBytes(timeBytes(timeSeconds), signature),
  });
}

function rejected(rule: string, message: string): never {
  throw new SignatureError(rule, `cosignature: ${message}`);
}

/**
 * Checks one cosignature line (a single trailing newline is allowed) over a checkpoint text, against a witness's
 * verifier key: the party's Ed25519 (0x01) vkey, re-typed 0x04 here, or a 0x04 vkey. Returns who cosigned and when.
 */
export function verifyCosignature(checkpointText: string, line: string, witnessVkey: string): { name: string; time: number } {
  parseCheckpoint(checkpointText);
  const verifier = verifierFromKey(cosignatureVerifierKey(witnessVkey));
  const expected = `${verifier.name}+${keyIdHex(verifier.keyId)}`;
  let parsed: ReturnType<typeof parseSignatureLine>;
  try {
    parsed = parseSignatureLine(line.endsWith('\n') ? line.slice(0, -1) : line);
  } catch (e) {
    return rejected('cosignature.format', (e as ProtocolError).message);
  }
  const actual = `${parsed.name}+${keyIdHex(parsed.keyId)}`;
  if (actual !== expected) rejected('cosignature.key', `made by key ${actual}, not by the witness key ${expected}`);
  if (!verifier.verify(utf8(checkpointText), parsed.signature)) {
    rejected('cosignature.signature', `signature by ${expected} does not verify over this checkpoint`);
  }
  try {
    return { name: parsed.name, time: cosignatureTime(parsed.signature) };
  } catch (e) {
    return rejected('cosignature.time', (e as ProtocolError).message);
  }
}
