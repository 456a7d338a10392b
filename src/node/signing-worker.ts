/**
 * A signing thread (signing-pool.ts): signs the own statements it is given, already numbered, dated and checked.
 * It holds the node's signing key, which it gets once from the thread that started it, and nothing else.
 *
 * Statements come as one JSON text and go back as packed bytes (every leaf in one buffer, every leaf hash in
 * another, both transferred, not copied): cloning objects across threads would cost a good part of what signing
 * here saves the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { canonicalJsonOfParsed } from '../protocol/canonical.js';
import { signingKeyFromSeed } from '../protocol/keys.js';
import { signCanonical, type SignatureParts } from '../protocol/statement.js';
import type { SigningJob, SigningResult } from './signing-pool.js';

const key = signingKeyFromSeed((workerData as { seed: Uint8Array }).seed);

function signAll(job: SigningJob): Extract<SigningResult, { sigs: string[] }> {
  // Fresh from JSON.parse, so nothing but JSON: canonicalJsonOfParsed skips the walk canonicalJson does.
  const parts: SignatureParts[] = (JSON.parse(job.statements) as unknown[]).map((s) => signCanonical(canonicalJsonOfParsed(s), key));
  const leaves = new Uint8Array(parts.reduce((n, p) => n + p.leaf.length, 0));
  const ends: number[] = [];
  const hashes = new Uint8Array(32 * parts.length);
  parts.forEach((p, i) => {
    const start = i === 0 ? 0 : ends[i - 1]!;
    leaves.set(p.leaf, start);
    ends.push(start + p.leaf.length);
    hashes.set(p.leafHash, 32 * i);
  });
  return { id: job.id, sigs: parts.map((p) => p.sig), leaves, ends, hashes };
}

parentPort!.on('message', (job: SigningJob) => {
  try {
    const result = signAll(job);
    parentPort!.postMessage(result, [result.leaves.buffer as ArrayBuffer, result.hashes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error).message } satisfies SigningResult);
  }
});
