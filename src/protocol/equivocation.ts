/**
 * Evidence that a log signed two checkpoints that cannot both be true: the split view that witnessing exists to catch.
 * Both checkpoints are signed by the log, so anyone holding the log's key can check the evidence; unsigned
 * "evidence" proves nothing and is refused.
 *
 * Two kinds:
 *  - same-size-different-root: two signed checkpoints of one size with different roots.
 *  - inconsistent: checkpoints of sizes m < n, with a consistency proof from m to n that verifies against the
 *    n-root and a root `prefixRoot` at size m that differs from the signed m-root. A proof that verifies against the
 *    signed n-root consists of that tree's own nodes (finding others would need a SHA-256 collision), so `prefixRoot`
 *    is the true root of the first m leaves of the tree the log signed at n: the log's m-checkpoint is not its prefix.
 */
import { ProofError } from './errors.js';
import { bytesEqual, fromBase64, toBase64 } from './encoding.js';
import { verifyConsistency } from './merkle.js';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';

export type EquivocationKind = 'same-size-different-root' | 'inconsistent';

export interface Equivocation {
  origin: string;
  kind: EquivocationKind;
  /** The log's signed checkpoint note of the smaller (or same) size. */
  first: string;
  /** The log's signed checkpoint note that contradicts it. */
  second: string;
  /** For 'inconsistent': the consistency proof from first's size to second's size, base64 hashes. */
  proof?: string[];
  /** For 'inconsistent': base64 root of the first `first.size` leaves of the tree signed in `second`. */
  prefixRoot?: string;
}

interface Opened {
  note: string;
  cp: Checkpoint;
}

function holdsConsistency(a: Checkpoint, b: Checkpoint, rootA: Uint8Array, proof: Uint8Array[]): boolean {
  try {
    verifyConsistency(a.size, b.size, rootA, b.root, proof);
    return true;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

function ordered(noteA: string, noteB: string, logVkey: string): [Opened, Opened] {
  const a = { note: noteA, cp: openCheckpoint(noteA, logVkey).checkpoint };
  const b = { note: noteB, cp: openCheckpoint(noteB, logVkey).checkpoint };
  return b.cp.size < a.cp.size ? [b, a] : [a, b];
}

/**
 * Whether two checkpoints signed by the log (both are verified first; SignatureError otherwise) prove equivocation.
 * Of different sizes, they do only with a consistency proof from the smaller to the larger that fails against the
 * signed smaller root but holds against `prefixRoot`. null: these notes (and this proof) show no equivocation.
 * Throws ProofError when the proof shows neither consistency nor inconsistency (a bad proof proves nothing).
 */
export function checkEquivocation(noteA: string, noteB: string, logVkey: string, proof?: Uint8Array[], prefixRoot?: Uint8Array): Equivocation | null {
  const [first, second] = ordered(noteA, noteB, logVkey);
  const base = { origin: first.cp.origin, first: first.note, second: second.note };
  if (first.cp.size === second.cp.size) {
    return bytesEqual(first.cp.root, second.cp.root) ? null : { ...base, kind: 'same-size-different-root' };
  }
  // Every tree extends the empty tree; without a proof, different sizes show nothing.
  if (proof === undefined || first.cp.size === 0) return null;
  if (holdsConsistency(first.cp, second.cp, first.cp.root, proof)) return null;
  if (prefixRoot !== undefined && !bytesEqual(prefixRoot, first.cp.root) && holdsConsistency(first.cp, second.cp, prefixRoot, proof)) {
    return { ...base, kind: 'inconsistent', proof: proof.map(toBase64), prefixRoot: toBase64(prefixRoot) };
  }
  throw new ProofError(
    'equivocation.proof',
    `the proof from size ${first.cp.size} to ${second.cp.size} verifies neither against the signed roots nor against another root at size ${first.cp.size}: it proves nothing`,
  );
}

function refuse(message: string): never {
  throw new ProofError('equivocation.evidence', `equivocation evidence does not hold: ${message}`);
}

/** Checks equivocation evidence against the log's key; throws (SignatureError, ProofError) when it does not hold. */
export function verifyEquivocation(ev: Equivocation, logVkey: string): { first: Checkpoint; second: Checkpoint } {
  const [first, second] = ordered(ev.first, ev.second, logVkey);
  if (first.cp.origin !== ev.origin || second.cp.origin !== ev.origin) refuse(`the checkpoints are not both of origin "${ev.origin}"`);
  if (ev.kind === 'same-size-different-root') {
    if (first.cp.size !== second.cp.size) refuse(`sizes ${first.cp.size} and ${second.cp.size} differ`);
    if (bytesEqual(first.cp.root, second.cp.root)) refuse('the two roots are the same');
  } else if (ev.kind === 'inconsistent') {
    if (first.cp.size === second.cp.size || first.cp.size === 0) refuse(`sizes ${first.cp.size} and ${second.cp.size} cannot be inconsistent`);
    if (ev.proof === undefined || ev.prefixRoot === undefined) refuse('a consistency proof and the prefix root are needed');
    const proof = ev.proof.map((h, i) => fromBase64(h, `proof hash ${i}`));
    const prefixRoot = fromBase64(ev.prefixRoot, 'prefix root');
    if (bytesEqual(prefixRoot, first.cp.root)) refuse('the prefix root is the signed root');
    if (!holdsConsistency(first.cp, second.cp, prefixRoot, proof)) refuse(`the proof does not tie the prefix root to the signed root at size ${second.cp.size}`);
  } else {
    refuse(`unknown kind "${String(ev.kind)}"`);
  }
  return { first: first.cp, second: second.cp };
}
