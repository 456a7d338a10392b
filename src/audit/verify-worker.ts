/**
 * A worker thread of the audit: gets a chunk of whole lines, checks each (parse, hash, verify signature)
 * and sends the facts back. Splitting the lines here, not on the main thread, keeps the main thread free
 * to apply the sequential rules while the workers do the heavy work.
 */
import { parentPort } from 'node:worker_threads';
import { checkChunk, type ChunkRequest, type ChunkResponse } from './line-check.js';

if (!parentPort) throw new Error('verify-worker must run as a worker thread');
const port = parentPort;
port.on('message', (req: ChunkRequest) => {
  port.postMessage({ id: req.id, results: checkChunk(req.text, req.firstLine, req.key) } satisfies ChunkResponse);
});
