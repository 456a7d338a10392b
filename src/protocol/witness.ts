/**
 * The witness rule of C2SP tlog-witness, as a pure function: per log, a witness keeps the last checkpoint it
 * cosigned, and cosigns a new one only if it is signed by the log and provably extends the last one.
 * It never cosigns a smaller tree than before, nor a different root at the same size — the latter is
 * equivocation, and the two signed checkpoints are kept as evidence.
 *
 * add-checkpoint request body:   "old <size>\n" ("<base64 hash>\n")*  "\n"  <signed checkpoint note>
 * The HTTP statuses are the spec's: 400 bad request, 403 not signed by the log, 404 unknown log,
 * 409 old size is not the latest cosigned size (or equivocation), 422 the consistency proof does not verify.
 * The caller (the node) does the I/O, finds the log's key by origin (requestOrigin), and must apply the check and
 * the update of the state atomically, or two requests could roll the state back.
 */
import { FormatError, ProofError, ProtocolError, SignatureError } from './errors.js';
import { bytesEqual, fromBase64, toBase64 } from './encoding.js';
import { HASH_BYTES, verifyConsistency } from './merkle.js';
import type { SigningKey } from './keys.js';
import { parseVerifierKey } from './note-key.js';
import { parseNote } from './signed-note.js';
import { openCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { cosign } from './cosignature.js';
import { checkEquivocation, type Equivocation } from './equivocation.js';

/** What a witness remembers of a log: the last checkpoint it cosigned, as the log signed it. */
export interface WitnessedLog {
  origin: string;
  size: number;
  root: Uint8Array;
  /** The log's signed checkpoint note: evidence if the log later contradicts it. */
  note: string;
}

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  note: string;
}

/** The spec: a client MUST NOT send more than 63 consistency proof lines. */
export const MAX_PROOF_LINES = 63;
const OLD_LINE = /^old (0|[1-9][0-9]*)$/;

function badRequest(message: string): never {
  throw new FormatError('witness.request', `add-checkpoint request: ${message}`);
}

export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  // The header lines are never empty, so the first blank line ends them; the note may hold blank lines of its own.
  const end = body.indexOf('\n\n');
  if (end < 0) badRequest('no blank line between the header and the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, end).split('\n') as [string, ...string[]];
  const old = OLD_LINE.exec(oldLine);
  if (!old) badRequest(`first line ${JSON.stringify(oldLine.slice(0, 40))} is not "old <size>"`);
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) badRequest(`old size ${old[1]} is too large`);
  if (proofLines.length > MAX_PROOF_LINES) badRequest(`${proofLines.length} proof lines, at most ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((line, i) => {
    const hash = fromBase64(line, `proof line ${i + 1}`);
    if (hash.byteLength !== HASH_BYTES) badRequest(`proof line ${i + 1} is ${hash.byteLength} bytes, not ${HASH_BYTES}`);
    return hash;
  });
  const note = body.slice(end + 2);
  if (note.length === 0) badRequest('no checkpoint after the blank line');
  return { oldSize, proof, note };
}

export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) badRequest(`old size ${request.oldSize} is not a whole number`);
  if (request.proof.length > MAX_PROOF_LINES) badRequest(`${request.proof.length} proof hashes, at most ${MAX_PROOF_LINES}`);
  const proof = request.proof.map((h) => {
    if (h.byteLength !== HASH_BYTES) badRequest(`a proof hash is ${h.byteLength} bytes, not ${HASH_BYTES}`);
    return `${toBase64(h)}\n`;
  });
  return `old ${request.oldSize}\n${proof.join('')}\n${request.note}`;
}

/** The origin the request's checkpoint claims, read without verifying anything: to find the log's key and state. */
export function requestOrigin(request: AddCheckpointRequest): string {
  return parseCheckpoint(parseNote(request.note).text).origin;
}

export type AddCheckpointResult =
  | { ok: true; cosignature: string; state: WitnessedLog }
  | { ok: false; status: 400 | 403 | 404 | 409 | 422; reason: string; latestSize?: number; equivocation?: Equivocation };

type Refusal = Extract<AddCheckpointResult, { ok: false }>;

function refusal(status: Refusal['status'], reason: string, extra: Partial<Refusal> = {}): Refusal {
  return { ok: false, status, reason, ...extra };
}

/** Reads and authenticates the request's checkpoint, or says which status refuses it. */
function authenticate(request: AddCheckpointRequest, logVkey: string): Checkpoint | Refusal {
  let claimed: Checkpoint;
  try {
    claimed = parseCheckpoint(parseNote(request.note).text);
  } catch (e) {
    return refusal(400, (e as Error).message);
  }
  const logName = parseVerifierKey(logVkey).name;
  if (claimed.origin !== logName) return refusal(404, `unknown log "${claimed.origin}" (this is the key of "${logName}")`);
  try {
    return openCheckpoint(request.note, logVkey).checkpoint;
  } catch (e) {
    if (e instanceof SignatureError) return refusal(403, `checkpoint not signed by the log: ${e.message}`);
    throw e;
  }
}

/** The two signed notes as evidence; none if the stored note no longer opens with this key (the log rotated it). */
function evidence(state: WitnessedLog, request: AddCheckpointRequest, logVkey: string): Equivocation | undefined {
  try {
    return checkEquivocation(state.note, request.note, logVkey) ?? undefined;
  } catch (e) {
    if (e instanceof ProtocolError) return undefined;
    throw e;
  }
}

/** The consistency rule between what the witness holds and the new checkpoint; undefined when it holds. */
function checkGrowth(state: WitnessedLog | undefined, request: AddCheckpointRequest, cp: Checkpoint, logVkey: string): Refusal | undefined {
  const latest = state?.size ?? 0;
  if (request.oldSize > cp.size) return refusal(400, `old size ${request.oldSize} is larger than the checkpoint size ${cp.size}`);
  if (request.oldSize !== latest) return refusal(409, `old size ${request.oldSize}, but the latest cosigned size is ${latest}`, { latestSize: latest });
  if (request.oldSize === 0) {
    if (request.proof.length > 0) return refusal(400, 'the proof must be empty when the old size is 0');
    if (!state || cp.size > 0) return undefined;
  }
  if (!state) return undefined; // unreachable: a non-zero old size equals the size of a state
  if (cp.size === state.size) {
    if (!bytesEqual(cp.root, state.root)) {
      const equivocation = evidence(state, request, logVkey);
      return refusal(409, `equivocation: size ${cp.size} was cosigned with root ${toBase64(state.root)}, now ${toBase64(cp.root)}`, {
        latestSize: latest,
        equivocation,
      });
    }
    return request.proof.length === 0 ? undefined : refusal(422, 'the consistency proof between equal sizes must be empty');
  }
  try {
    verifyConsistency(state.size, cp.size, state.root, cp.root, request.proof);
  } catch (e) {
    if (e instanceof ProofError) return refusal(422, `consistency proof from ${state.size} to ${cp.size} does not verify: ${e.message}`);
    throw e;
  }
  return undefined;
}

/**
 * Applies the witness rule to one add-checkpoint request. `state` is what the witness holds for this log (undefined:
 * never cosigned). On success, the caller must persist the returned state before sending the cosignature.
 */
export function addCheckpoint(
  state: WitnessedLog | undefined,
  request: AddCheckpointRequest,
  logVkey: string,
  witness: { name: string; signingKey: SigningKey },
  nowSeconds: number,
): AddCheckpointResult {
  const cp = authenticate(request, logVkey);
  if ('ok' in cp) return cp;
  if (state && state.origin !== cp.origin) {
    throw new ProtocolError('witness.state', `the state given is of log "${state.origin}", the checkpoint of "${cp.origin}"`);
  }
  const refused = checkGrowth(state, request, cp, logVkey);
  if (refused) return refused;
  const text = parseNote(request.note).text;
  return {
    ok: true,
    cosignature: cosign(text, witness.signingKey, witness.name, nowSeconds),
    state: { origin: cp.origin, size: cp.size, root: cp.root, note: request.note },
  };
}
