/** Times as people read them: in their locale and time zone, with UTC beside them (the channel's common clock). */
import type { Lang } from './i18n/index.js';

export const LOCALES: Record<Lang, string> = { en: 'en-GB', ru: 'ru-RU', vi: 'vi-VN' };

export function localTime(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "2026-11-23 14:05 UTC" */
export function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A length of time in days, hours, minutes (seconds under an hour), with the language's unit names. */
export function duration(ms: number, units: { d: string; h: string; min: string; s: string }): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} ${units.d}`);
  if (h || d) parts.push(`${h} ${units.h}`);
  parts.push(`${m} ${units.min}`);
  if (!d && !h) parts.push(`${s} ${units.s}`);
  return parts.join(' ');
}
