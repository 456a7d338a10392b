/** The console's languages: every string in English, Russian and Vietnamese, chosen by a switch and remembered. */
import { createContext, useContext } from 'react';
import { en, type MessageKey, type Messages } from './en.js';
import { ru } from './ru.js';
import { vi } from './vi.js';

export type Lang = 'en' | 'ru' | 'vi';
export const LANGS: readonly Lang[] = ['en', 'ru', 'vi'];
export const DICTIONARIES: Record<Lang, Messages> = { en, ru, vi };
export type { MessageKey };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = DICTIONARIES[lang];
  return (key, vars) => {
    const text = dict[key] ?? en[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] !== undefined ? String(vars[k]) : m)) : text;
  };
}

export function initialLang(): Lang {
  const kept = localStorage.getItem('parley.lang');
  if (kept && (LANGS as readonly string[]).includes(kept)) return kept as Lang;
  const browser = navigator.language.slice(0, 2);
  return (LANGS as readonly string[]).includes(browser) ? (browser as Lang) : 'en';
}

export interface LangState {
  lang: Lang;
  t: Translate;
  setLang(lang: Lang): void;
}

export const LangContext = createContext<LangState>({ lang: 'en', t: translator('en'), setLang: () => undefined });

export const useLang = (): LangState => useContext(LangContext);
