/**
 * Split-view detection: a log that shows one history to some parties and another to others. Every checkpoint of a
 * log X that reaches this node — pushed by X for cosigning, or shown by a peer through gossip — is compared with what
 * the node already holds of X: the checkpoints it kept (same size, different root: equivocation, provable by anyone
 * with X's key), and its mirror of X's statements (a signed root that is not the root of the statements X delivered:
 * a fork). A checkpoint of a new size is kept only once X's own node proved it consistent with the largest one held,
 * so the checkpoints held of a log are always one history, and the next contradiction shows against it.
 */
import { bytesEqual, fromBase64, fromHex, toBase64, toHex } from '../protocol/encoding.js';
import { ProofError, ProtocolError } from '../protocol/errors.js';
import { openCheckpoint, type Checkpoint } from '../protocol/checkpoint.js';
import { verifyCosignature } from '../protocol/cosignature.js';
import { checkEquivocation } from '../protocol/equivocation.js';
import { HASH_BYTES, verifyConsistency } from '../protocol/merkle.js';
import { ED25519_TYPE, parseVerifierKey } from '../protocol/note-key.js';
import { formatNote, formatSignatureLine, parseNote } from '../protocol/signed-note.js';
import { consistencyPath } from '../federation/paths.js';
import type { Evidence, StoredCheckpoint, StoredCosignature } from '../storage/store.js';
import type { NodeContext } from './node-context.js';
import { keepEvidence, raiseAlarms, unseenEvidence } from './witness-evidence.js';

/** A checkpoint of a party's log as someone showed it, opened with the log's key. */
export interface ShownCheckpoint {
  log: string;
  checkpoint: Checkpoint;
  /** Lowercase hex, as the store keeps roots. */
  rootHex: string;
  /** The note text: what the log signed and witnesses cosign. */
  text: string;
  /** The note with the log's own signature only: what the store keeps, and the evidence if the log contradicts it. */
  note: string;
  /** Cosignature lines on the note by other parties of the agreement that verify with their keys. */
  cosignatures: StoredCosignature[];
}

/** `party`'s log has at least `wanted` statements, more than the mirror: have them pulled unless pushed soon; never throws. */
export type BackfillRequest = (party: string, wanted: number) => void;

export function isParty(ctx: NodeContext, party: string): boolean {
  return ctx.agreement.parties.some((p) => p.id === party);
}

/** The witness party a cosignature line names, if it names another party of the agreement than the log's. */
function witnessNamed(ctx: NodeContext, log: string, name: string): string | undefined {
  const prefix = `${ctx.agreement.id}/`;
  if (!name.startsWith(prefix)) return undefined;
  const party = name.slice(prefix.length);
  return party !== log && isParty(ctx, party) ? party : undefined;
}

/**
 * Opens a note of `log`'s checkpoint: it must be signed by the log's key (else SignatureError/FormatError). Other
 * signatures are read one by one: cosignatures of known witnesses that verify are returned; any other line is
 * dropped, since one bad cosignature beside a good checkpoint says nothing about the log.
 */
export function openShownCheckpoint(ctx: NodeContext, log: string, note: string): ShownCheckpoint {
  const logVkey = ctx.vkeyOf(log);
  const opened = openCheckpoint(note, logVkey);
  const logName = parseVerifierKey(logVkey).name;
  const own = opened.note.verified.filter((s) => s.type === ED25519_TYPE && s.name === logName);
  const logNote = formatNote({ text: opened.text, signatures: own.map(({ name, keyId, signature }) => ({ name, keyId, signature })) });
  const { size, root } = opened.checkpoint;
  const cosignatures: StoredCosignature[] = [];
  for (const s of parseNote(note).signatures) {
    const witness = witnessNamed(ctx, log, s.name);
    if (witness === undefined || cosignatures.some((c) => c.witness === witness)) continue;
    const line = formatSignatureLine(s);
    try {
      verifyCosignature(opened.text, line, ctx.vkeyOf(witness));
      cosignatures.push({ log, size, witness, line });
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
    }
  }
  return { log, checkpoint: opened.checkpoint, rootHex: toHex(root), text: opened.text, note: logNote, cosignatures };
}

/**
 * What the shown checkpoint contradicts among what this node holds of the log: checkpoints of the same size with
 * another root (equivocation), and the mirror's root at that size (fork). Empty when it fits.
 */
export async function contradictions(ctx: NodeContext, shown: ShownCheckpoint, reportedBy: string): Promise<Evidence[]> {
  const { log, checkpoint: cp } = shown;
  const storedAt = ctx.clock.nowIso();
  const found: Evidence[] = [];
  for (const held of await ctx.store.checkpoints(log)) {
    if (held.size !== cp.size || held.root === shown.rootHex) continue;
    let equivocation;
    try {
      equivocation = checkEquivocation(held.note, shown.note, ctx.vkeyOf(log));
    } catch (e) {
      // A held note that no longer opens with the pinned key (a rotated key) proves nothing against it.
      if (e instanceof ProtocolError) continue;
      throw e;
    }
    if (!equivocation) continue;
    found.push({
      kind: 'equivocation',
      party: log,
      reportedBy,
      summary: `${log} signed two checkpoints of size ${cp.size} with different roots (one shown by ${held.seenFrom}, one by ${reportedBy})`,
      material: equivocation,
      storedAt,
    });
  }
  const mirror = ctx.tree(log);
  if (mirror.size >= cp.size) {
    const mirrorRoot = mirror.root(cp.size);
    if (!bytesEqual(mirrorRoot, cp.root)) {
      found.push({
        kind: 'fork',
        party: log,
        reportedBy,
        summary: `${log} signed root ${toBase64(cp.root)} at size ${cp.size}, but the first ${cp.size} statements it delivered have root ${toBase64(mirrorRoot)}`,
        material: { note: shown.note, size: cp.size, mirrorRoot: toBase64(mirrorRoot) },
        storedAt,
      });
    }
  }
  return found;
}

function largest(checkpoints: readonly StoredCheckpoint[]): StoredCheckpoint | undefined {
  return checkpoints.reduce<StoredCheckpoint | undefined>((a, c) => (a === undefined || c.size > a.size ? c : a), undefined);
}

function parseProof(text: string): Uint8Array[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, i) => {
      const hash = fromBase64(line, `consistency proof line ${i + 1}`);
      if (hash.byteLength !== HASH_BYTES) throw new ProofError('merkle.consistency', `proof line ${i + 1} is ${hash.byteLength} bytes`);
      return hash;
    });
}

/** Compares checkpoints other parties show of any log with what this node holds, and keeps what is new and consistent. */
export class SplitViewDetector {
  constructor(
    private readonly ctx: NodeContext,
    private readonly requestBackfill: BackfillRequest,
  ) {}

  /** One checkpoint note of `log`'s log (possibly with cosignatures) that `reporter` showed to this node. */
  async examine(reporter: string, log: string, note: string): Promise<void> {
    const { ctx } = this;
    if (!isParty(ctx, log)) {
      ctx.logger.warn({ peer: reporter, log }, 'gossip named a log that is not a party to the agreement');
      return;
    }
    let shown: ShownCheckpoint;
    try {
      shown = openShownCheckpoint(ctx, log, note);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      await keepEvidence(ctx, [this.badCheckpoint(reporter, log, note, e)]);
      return;
    }
    const found = await contradictions(ctx, shown, reporter);
    if (found.length > 0) {
      await keepEvidence(ctx, found);
      return;
    }
    if (!(await this.fitsHistory(reporter, shown))) return;
    await this.keep(reporter, shown);
    if (log !== ctx.party && shown.checkpoint.size > ctx.tree(log).size) this.requestBackfill(log, shown.checkpoint.size);
  }

  /**
   * Compares the largest checkpoint held of `log` that its mirror now covers with the mirror's root: statements
   * that arrived after the checkpoint (pushed or backfilled) must be the ones it signed.
   */
  async auditMirror(log: string): Promise<void> {
    const { ctx } = this;
    const mirror = ctx.tree(log);
    const covered = largest((await ctx.store.checkpoints(log)).filter((c) => c.size <= mirror.size));
    if (covered === undefined) return;
    let shown: ShownCheckpoint;
    try {
      shown = openShownCheckpoint(ctx, log, covered.note);
    } catch (e) {
      if (e instanceof ProtocolError) return; // signed with a key since rotated: nothing to compare against
      throw e;
    }
    const found = await contradictions(ctx, shown, covered.seenFrom);
    if (found.length > 0) await keepEvidence(ctx, found);
  }

  private badCheckpoint(reporter: string, log: string, note: string, e: ProtocolError): Evidence {
    return {
      kind: 'bad-checkpoint',
      party: reporter,
      reportedBy: reporter,
      summary: `${reporter} showed a checkpoint of ${log}'s log that does not open with ${log}'s key: ${e.message}`,
      material: { log, note, rule: e.rule },
      storedAt: this.ctx.clock.nowIso(),
    };
  }

  /**
   * Whether the shown checkpoint is consistent with the largest one held of its log. The mirror already vouches for
   * sizes it covers (contradictions() compared them); beyond it, the log's own node must prove consistency — a
   * proof that does not verify is kept as evidence; no answer leaves the checkpoint for a later round.
   */
  private async fitsHistory(reporter: string, shown: ShownCheckpoint): Promise<boolean> {
    const { ctx } = this;
    const { log, checkpoint: cp } = shown;
    const mirror = ctx.tree(log);
    const reference = largest(await ctx.store.checkpoints(log));
    if (cp.size === 0 || cp.size <= mirror.size || reference === undefined || reference.size === 0 || reference.size === cp.size) return true;
    if (log === ctx.party) {
      ctx.logger.warn({ peer: reporter, size: cp.size }, `a checkpoint of the own log beyond its ${mirror.size} statements was shown`);
      return false;
    }
    const held = { size: reference.size, root: fromHex(reference.root, 'held root'), note: reference.note };
    const seen = { size: cp.size, root: cp.root, note: shown.note };
    const [first, second] = held.size < seen.size ? [held, seen] : [seen, held];
    const [m, n] = [first.size, second.size];
    const proofText = await this.fetchProof(log, m, n);
    if (proofText === undefined) return false;
    try {
      verifyConsistency(m, n, first.root, second.root, parseProof(proofText));
      return true;
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      await keepEvidence(ctx, [
        {
          kind: 'fork',
          party: log,
          reportedBy: reporter,
          summary: `${log} signed checkpoints of sizes ${m} and ${n} that its own node does not prove consistent: ${e.message}`,
          material: { first: first.note, second: second.note, proof: proofText },
          storedAt: ctx.clock.nowIso(),
        },
      ]);
      return false;
    }
  }

  private async fetchProof(log: string, m: number, n: number): Promise<string | undefined> {
    const peer = this.ctx.peers.get(log);
    if (!peer) return undefined;
    try {
      const res = await peer.request({ method: 'GET', path: consistencyPath(log, m, n), accept: 'text/plain' });
      if (res.status === 200) return res.text;
      this.ctx.logger.warn({ peer: log, status: res.status }, `no consistency proof from ${m} to ${n}`);
    } catch (e) {
      this.ctx.logger.warn({ peer: log, err: (e as Error).message }, `no consistency proof from ${m} to ${n}`);
    }
    return undefined;
  }

  /** Stores the checkpoint (if new) and its new cosignatures, seen from `reporter`. */
  private async keep(reporter: string, shown: ShownCheckpoint): Promise<void> {
    const { ctx } = this;
    const { log, checkpoint: cp } = shown;
    const added = await ctx.exclusive(async () => {
      // Re-read under the lock: a witness request or another view may have stored them meanwhile.
      const held = (await ctx.store.checkpoints(log)).some((h) => h.size === cp.size && h.root === shown.rootHex);
      const have = new Set((await ctx.store.cosignatures(log, cp.size)).map((c) => c.witness));
      const cosignatures = shown.cosignatures.filter((c) => !have.has(c.witness));
      const checkpoints: StoredCheckpoint[] = held
        ? []
        : [{ log, size: cp.size, root: shown.rootHex, note: shown.note, seenFrom: reporter, storedAt: ctx.clock.nowIso() }];
      // The lock ensures a contradicting checkpoint was not stored between contradictions() and here.
      const late = held ? [] : await unseenEvidence(ctx.store, await contradictions(ctx, shown, reporter));
      if (late.length > 0) {
        await ctx.store.write({ evidence: late });
        return { cosignatures: [], late };
      }
      if (checkpoints.length > 0 || cosignatures.length > 0) await ctx.store.write({ checkpoints, cosignatures });
      return { cosignatures, late };
    });
    raiseAlarms(ctx, added.late);
    if (log === ctx.party) for (const c of added.cosignatures) ctx.events.emit('cosigned', c.witness, c.size);
  }
}
