/**
 * After the story: what an auditor would check. Each party's own log is exported and audited offline as
 * `parley verify` does (every signature against the keys the agreement pins, indices, checkpoint roots, consistency,
 * cosignatures); then every party's mirror of every other log is compared with that log's own latest checkpoint, so
 * that nobody was shown a different history.
 */
import { join } from 'node:path';
import { verifyLogFile } from '../audit/verify-file.js';
import { MerkleTree } from '../protocol/merkle-tree.js';
import { toBase64 } from '../protocol/encoding.js';
import { exportOwnLog } from '../node/node-export.js';
import type { DemoNetwork } from './demo-network.js';

export interface LogAudit {
  party: string;
  exportFile: string;
  statements: number;
  /** Whether `parley verify` passes on the export; the reason when it does not. */
  verified: boolean;
  problem?: string;
  /** Size and root (base64, as in the checkpoint) of the latest checkpoint. */
  latestCheckpoint: { size: number; root: string } | null;
  /** Witnesses whose cosignature on the latest checkpoint verified in the audit. */
  cosignedBy: string[];
  /** Per other party: whether its mirror of this log agrees with this log's latest checkpoint. */
  mirrors: Array<{ party: string; size: number; agrees: boolean }>;
}

export interface DemoAudit {
  logs: LogAudit[];
  /** Evidence of misbehaviour any node kept (none in an honest demo). */
  alarms: Array<{ party: string; kind: string; summary: string }>;
  ok: boolean;
}

async function mirrorAgrees(net: DemoNetwork, holder: string, log: string, size: number, root: string): Promise<{ size: number; agrees: boolean }> {
  const node = net.parties.find((p) => p.party === holder)!.running.node;
  const leaves = await node.store.leafHashes(log);
  if (leaves.length < size) return { size: leaves.length, agrees: false };
  return { size: leaves.length, agrees: toBase64(MerkleTree.fromLeafHashes(leaves).root(size)) === root };
}

export async function auditDemo(net: DemoNetwork, outDir: string): Promise<DemoAudit> {
  const pinned: Record<string, string[]> = {};
  for (const p of net.signed.agreement.parties) pinned[p.id] = [p.signingKey];
  const logs: LogAudit[] = [];
  for (const { party, running } of net.parties) {
    const exportFile = join(outDir, `${party}.log.jsonl`);
    await exportOwnLog(running.node, exportFile);
    const audit: LogAudit = { party, exportFile, statements: 0, verified: false, latestCheckpoint: null, cosignedBy: [], mirrors: [] };
    try {
      const summary = await verifyLogFile(exportFile, { workers: 0, pinned });
      const last = summary.checkpoints[summary.checkpoints.length - 1];
      Object.assign(audit, {
        statements: summary.statements, verified: true,
        latestCheckpoint: last ? { size: last.size, root: last.root } : null,
        cosignedBy: last ? last.cosignedBy.map((c) => c.witness) : [],
      });
    } catch (e) {
      audit.problem = (e as Error).message;
    }
    logs.push(audit);
  }
  for (const audit of logs) {
    if (!audit.latestCheckpoint) continue;
    for (const other of net.parties) {
      if (other.party === audit.party) continue;
      const m = await mirrorAgrees(net, other.party, audit.party, audit.latestCheckpoint.size, audit.latestCheckpoint.root);
      audit.mirrors.push({ party: other.party, ...m });
    }
  }
  const alarms: DemoAudit['alarms'] = [];
  for (const { party, running } of net.parties) {
    for (const e of await running.node.evidence()) alarms.push({ party, kind: e.kind, summary: e.summary });
  }
  const witnesses = net.parties.length - 1;
  const ok = alarms.length === 0 && logs.every((l) => l.verified && l.latestCheckpoint !== null
    && l.cosignedBy.length === witnesses && l.mirrors.every((m) => m.agrees));
  return { logs, alarms, ok };
}
