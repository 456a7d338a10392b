/** What every page knows: who is logged in, the agreement, and the codebook in the reader's language. */
import { createContext, useContext } from 'react';
import type { SessionInfo } from './api.js';
import type { Agreement, CodeList, LabelledCodebook } from './types.js';

export interface ConsoleState {
  session: SessionInfo;
  agreement: Agreement;
  codebook: LabelledCodebook | undefined;
  logout(): void;
}

export const ConsoleContext = createContext<ConsoleState | null>(null);

export function useConsole(): ConsoleState {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside the logged-in console');
  return c;
}

/** A code's label in a labelled codebook, or the code itself when the book does not know it. */
export function labelIn(book: LabelledCodebook | undefined, list: CodeList, code: string | null | undefined): string {
  if (!code) return '—';
  return book?.lists[list]?.find((e) => e.code === code)?.label ?? code;
}

export const canSend = (role: string): boolean => role === 'duty-officer' || role === 'approver';
