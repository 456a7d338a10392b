/** TAXII status resources: what became of each object of a POSTed envelope, kept so the client can ask again. */
import { randomUUID } from 'node:crypto';
import type { TaxiiStore } from '../storage/taxii-store.js';
import type { ObjectOutcome } from './envelope.js';
import { TaxiiError } from './taxii-errors.js';

export interface TaxiiStatus {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: ObjectOutcome[];
  failure_count: number;
  failures: ObjectOutcome[];
  pending_count: number;
  pendings: ObjectOutcome[];
}

/** Every object is decided by the time the POST answers (the statement is signed and stored): status "complete". */
export async function recordStatus(store: TaxiiStore, requestTime: string, successes: ObjectOutcome[], failures: ObjectOutcome[]): Promise<TaxiiStatus> {
  const status: TaxiiStatus = {
    id: randomUUID(), status: 'complete', request_timestamp: requestTime,
    total_count: successes.length + failures.length,
    success_count: successes.length, successes,
    failure_count: failures.length, failures,
    pending_count: 0, pendings: [],
  };
  await store.putStatus({ id: status.id, json: JSON.stringify(status) });
  return status;
}

export async function statusById(store: TaxiiStore, id: string): Promise<TaxiiStatus> {
  const found = /^[0-9a-f-]{36}$/.test(id) ? await store.status(id) : undefined;
  if (!found) throw new TaxiiError(404, 'taxii.status', `no status ${JSON.stringify(id.slice(0, 80))}`);
  return JSON.parse(found.json) as TaxiiStatus;
}
