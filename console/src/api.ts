/**
 * The console talks to its own node's API (same origin): the session cookie goes by itself, and every unsafe
 * request carries the session's CSRF token in a header, which a forged cross-site request cannot know.
 */
export const CSRF_HEADER = 'x-parley-csrf';

export interface SessionInfo {
  name: string;
  role: 'duty-officer' | 'approver' | 'auditor' | 'admin';
  party: string;
  csrf: string;
}

/** A refusal of the API: its rule (e.g. "auth.role") and message. */
export class ApiRefusal extends Error {
  constructor(readonly status: number, readonly rule: string, message: string) {
    super(message);
    this.name = 'ApiRefusal';
  }
}

let csrf = '';

export function useCsrf(token: string): void {
  csrf = token;
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers[CSRF_HEADER] = csrf;
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; message?: string };
    throw new ApiRefusal(res.status, e.error ?? 'http', e.message ?? res.statusText);
  }
  return { status: res.status, data: data as T };
}

export const get = async <T>(path: string): Promise<T> => (await api<T>('GET', path)).data;
