/**
 * A worker thread of the audit: verifies packed batches of statement signatures with one key and sends back
 * one verdict byte per signature. The main thread reads and hashes; the workers do nothing but verify.
 */
import { parentPort } from 'node:worker_threads';
import { verifyPacked, type SignatureRequest, type SignatureResponse } from './line-check.js';

if (!parentPort) throw new Error('verify-worker must run as a worker thread');
const port = parentPort;
port.on('message', (req: SignatureRequest) => {
  const verdicts = verifyPacked(req.packed, req.key);
  port.postMessage({ id: req.id, verdicts } satisfies SignatureResponse, [verdicts.buffer as ArrayBuffer]);
});
