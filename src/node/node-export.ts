/**
 * The own log in the audit format (`parley-log/v1`, docs/protocol.md §4): every statement, every checkpoint the node
 * signed and the cosignatures its witnesses returned, so that an auditor with this file alone — and, to know whose
 * keys they are, the signed agreement — can run `parley verify` years later.
 */
import { open } from 'node:fs/promises';
import { formatExportLine, LOG_EXPORT_FORMAT, type LogHeader } from '../protocol/log-export.js';
import type { PartyNode } from './party-node.js';

/** Statements read from the store at a time: an export of millions of statements streams, it is not held whole. */
const PAGE = 1000;

function headerOf(node: PartyNode): LogHeader {
  const { agreement, party } = node;
  const witnesses: Record<string, string[]> = {};
  for (const p of agreement.parties) if (p.id !== party) witnesses[p.id] = [p.signingKey];
  return { format: LOG_EXPORT_FORMAT, agreement: agreement.id, party, origin: `${agreement.id}/${party}`, key: node.ctx.vkeyOf(party), witnesses };
}

async function* exportText(node: PartyNode): AsyncGenerator<string> {
  const party = node.party;
  yield formatExportLine({ header: headerOf(node) }) + '\n';
  const checkpoints = await node.store.checkpoints(party);
  const size = Math.max(0, ...checkpoints.map((c) => c.size));
  for (let from = 0; from < size; from += PAGE) {
    // The stored text is the statement's canonical JSON, so this line is canonical as the format requires.
    const page = await node.store.statements(party, from, Math.min(size, from + PAGE));
    yield page.map((s) => `{"statement":${s.text}}\n`).join('');
  }
  let lastSize = -1;
  for (const cp of checkpoints) {
    if (cp.size === lastSize || cp.seenFrom !== party) continue; // one note per size: the node signs one
    lastSize = cp.size;
    yield formatExportLine({ checkpoint: cp.note }) + '\n';
    for (const c of await node.store.cosignatures(party, cp.size)) {
      yield formatExportLine({ cosignature: { size: cp.size, witness: c.witness, line: c.line } }) + '\n';
    }
  }
}

/**
 * Writes the own log, up to its latest checkpoint, to `outPath` (a checkpoint covering the whole log is signed
 * first if there is none). Resolves with the number of statements written.
 */
export async function exportOwnLog(node: PartyNode, outPath: string): Promise<number> {
  await node.checkpointNow();
  const out = await open(outPath, 'wx'); // never overwrite an earlier export: it may be the one an auditor holds
  try {
    for await (const chunk of exportText(node)) await out.write(chunk);
    await out.sync();
  } finally {
    await out.close();
  }
  return (await node.store.latestCheckpoint(node.party))?.size ?? 0;
}
