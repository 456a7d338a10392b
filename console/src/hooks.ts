/** Reading the API from a page: loaded at once, refreshed every few seconds so that what arrives shows up. */
import { useCallback, useEffect, useState } from 'react';
import { get } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  reload(): void;
}

export function useApi<T>(path: string | null, refreshMs = 0): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    get<T>(path).then((d) => { if (live) { setData(d); setError(undefined); } }, (e: Error) => { if (live) setError(e); });
    return () => { live = false; };
  }, [path, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);
  return { data, error, reload };
}

/** The current instant, ticking every second: countdowns. */
export function useNow(stepMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), stepMs);
    return () => clearInterval(timer);
  }, [stepMs]);
  return now;
}
