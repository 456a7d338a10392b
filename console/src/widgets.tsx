/** Small pieces the pages share: times with UTC beside them, countdowns, party names, messages. */
import type { ReactNode } from 'react';
import { useLang } from './i18n/index.js';
import { duration, localTime, utcTime } from './time.js';
import { useConsole } from './context.js';
import type { Lang } from './i18n/index.js';

export function Time({ iso }: { iso: string | null | undefined }) {
  const { lang } = useLang();
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} className="time">
      {localTime(iso, lang)} <span className="utc">({utcTime(iso)})</span>
    </time>
  );
}

export function useUnits() {
  const { t } = useLang();
  return { d: t('unit.d'), h: t('unit.h'), min: t('unit.min'), s: t('unit.s') };
}

/** Time left to `due`, or how long it is overdue (in red). */
export function Countdown({ due, now, met }: { due: string; now: number; met?: string | undefined }) {
  const { t } = useLang();
  const units = useUnits();
  if (met) return <span className="met">{t('deadline.met')}</span>;
  const left = Date.parse(due) - now;
  if (left < 0) return <strong className="overdue">{t('deadline.overdueBy', { time: duration(left, units) })}</strong>;
  return <span className="countdown">{t('deadline.left', { time: duration(left, units) })}</span>;
}

export function partyName(names: Record<string, string> | undefined, id: string, lang: Lang): string {
  return names?.[lang] ?? names?.en ?? id;
}

export function PartyName({ id }: { id: string }) {
  const { agreement } = useConsole();
  const { lang } = useLang();
  return <span title={id}>{partyName(agreement.parties.find((p) => p.id === id)?.names, id, lang)}</span>;
}

export function Notice({ kind, children }: { kind: 'ok' | 'error' | 'info'; children: ReactNode }) {
  return <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}

export function Loading({ error }: { error?: Error | undefined }) {
  const { t } = useLang();
  return error ? <Notice kind="error">{t('error.load', { message: error.message })}</Notice> : <p>{t('loading')}</p>;
}
