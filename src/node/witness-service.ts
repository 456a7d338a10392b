/**
 * The witness side of C2SP tlog-witness add-checkpoint: a peer asks this node to cosign a checkpoint of the peer's
 * own log. The protocol's rule (src/protocol/witness.ts) decides against the last checkpoint cosigned; on top of it the
 * node compares the checkpoint with what it holds of that log (split-view.ts) — the checkpoints it kept and its mirror
 * of the statements the log delivered — since a witness that mirrors the log can catch a fork the rule alone cannot.
 */
import { ProtocolError } from '../protocol/errors.js';
import { fromHex } from '../protocol/encoding.js';
import { addCheckpoint, parseAddCheckpointRequest, requestOrigin, type AddCheckpointRequest, type AddCheckpointResult, type WitnessedLog } from '../protocol/witness.js';
import type { Evidence, StoreWrites, WitnessRecord } from '../storage/store.js';
import type { NodeContext } from './node-context.js';
import { contradictions, isParty, openShownCheckpoint, type BackfillRequest, type ShownCheckpoint } from './split-view.js';
import { raiseAlarms, unseenEvidence } from './witness-evidence.js';

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** C2SP: a 409 names the latest cosigned size in this media type, so the log can retry with the right old size. */
export const TLOG_SIZE_TYPE = 'text/x.tlog.size';

function errorAnswer(status: number, error: string, message: string): WitnessAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error, message }) };
}

const RULE_OF_STATUS: Record<number, string> = {
  400: 'witness.request',
  403: 'witness.signature',
  404: 'witness.unknown-log',
  409: 'witness.old-size',
  422: 'witness.consistency',
};

function refusalAnswer(result: Extract<AddCheckpointResult, { ok: false }>): WitnessAnswer {
  if (result.status === 409 && result.latestSize !== undefined) {
    return { status: 409, contentType: TLOG_SIZE_TYPE, body: `${result.latestSize}\n` };
  }
  return errorAnswer(result.status, RULE_OF_STATUS[result.status] ?? 'witness.refused', result.reason);
}

function stateOf(record: WitnessRecord | undefined, origin: string): WitnessedLog | undefined {
  return record && { origin, size: record.size, root: fromHex(record.root, 'witnessed root'), note: record.note };
}

interface Decision {
  answer: WitnessAnswer;
  /** Evidence written with the decision: alarms to raise once the lock is released. */
  kept: Evidence[];
  /** The checkpoint's size, when it opened with the log's key: to see whether the mirror is behind. */
  size?: number;
}

export class WitnessService {
  constructor(
    private readonly ctx: NodeContext,
    private readonly requestBackfill: BackfillRequest,
  ) {}

  /** The answer to `caller`'s add-checkpoint request (the caller is the party of the pinned TLS certificate). */
  async addCheckpoint(caller: string, body: string): Promise<WitnessAnswer> {
    const { ctx } = this;
    let request: AddCheckpointRequest;
    let origin: string;
    try {
      request = parseAddCheckpointRequest(body);
      origin = requestOrigin(request);
    } catch (e) {
      if (e instanceof ProtocolError) return errorAnswer(400, 'witness.request', e.message);
      throw e;
    }
    if (caller === ctx.party || !isParty(ctx, caller)) {
      return errorAnswer(403, 'witness.caller', `"${caller}" is not a peer whose log this node witnesses`);
    }
    const logName = `${ctx.agreement.id}/${caller}`;
    if (origin !== logName) {
      return errorAnswer(403, 'witness.origin', `${caller} may only ask to cosign its own log "${logName}", not "${origin}"`);
    }
    const decision = await ctx.exclusive(() => this.decide(caller, request));
    raiseAlarms(ctx, decision.kept);
    if (decision.size !== undefined && decision.size > ctx.tree(caller).size) this.requestBackfill(caller, decision.size);
    return decision.answer;
  }

  /** The read-check-write of one request; runs alone among the node's writers. */
  private async decide(log: string, request: AddCheckpointRequest): Promise<Decision> {
    const { ctx } = this;
    const state = stateOf(await ctx.store.witnessRecord(log), `${ctx.agreement.id}/${log}`);
    const now = Math.floor(ctx.clock.nowMs() / 1000);
    const result = addCheckpoint(state, request, ctx.vkeyOf(log), { name: ctx.keyName, signingKey: ctx.signingKey }, now);
    const shown = this.authentic(log, request.note);
    if (!shown) return { answer: refusalAnswer(result.ok ? { ok: false, status: 403, reason: 'not signed by the log' } : result), kept: [] };

    const found = await contradictions(ctx, shown, log);
    if (!result.ok && result.equivocation) {
      found.unshift({
        kind: 'equivocation',
        party: log,
        reportedBy: log,
        summary: `${log} asked to cosign a checkpoint of size ${shown.checkpoint.size} whose root differs from the one this node cosigned`,
        material: result.equivocation,
        storedAt: ctx.clock.nowIso(),
      });
    }
    const kept = await unseenEvidence(ctx.store, found);
    const size = shown.checkpoint.size;
    if (!result.ok || found.length > 0) {
      if (kept.length > 0) await ctx.store.write({ evidence: kept });
      const answer = result.ok ? errorAnswer(422, 'witness.split-view', found.map((e) => e.summary).join('; ')) : refusalAnswer(result);
      return { answer, kept, size };
    }
    await ctx.store.write(await this.cosigned(shown, result.cosignature));
    return { answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: `${result.cosignature}\n` }, kept: [], size };
  }

  /** The request's checkpoint opened with the log's key, or undefined when it does not open. */
  private authentic(log: string, note: string): ShownCheckpoint | undefined {
    try {
      return openShownCheckpoint(this.ctx, log, note);
    } catch (e) {
      if (e instanceof ProtocolError) return undefined;
      throw e;
    }
  }

  /** One write: the new witness state, the checkpoint (if not held yet) and the own cosignature of it. */
  private async cosigned(shown: ShownCheckpoint, line: string): Promise<StoreWrites> {
    const { ctx } = this;
    const { log, checkpoint: cp } = shown;
    const held = (await ctx.store.checkpoints(log)).some((h) => h.size === cp.size && h.root === shown.rootHex);
    const cosigned = (await ctx.store.cosignatures(log, cp.size)).some((c) => c.witness === ctx.party);
    return {
      witness: [{ log, size: cp.size, root: shown.rootHex, note: shown.note }],
      checkpoints: held ? [] : [{ log, size: cp.size, root: shown.rootHex, note: shown.note, seenFrom: log, storedAt: ctx.clock.nowIso() }],
      // Cosigning the same checkpoint again (the log lost our answer) keeps the first line: one per (log, size, witness).
      cosignatures: cosigned ? [] : [{ log, size: cp.size, witness: ctx.party, line }],
    };
  }
}
