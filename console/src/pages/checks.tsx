/**
 * Communication checks: those addressed to this party that a person must answer (when the agreement asks for a
 * person), and the checks this party sent with how each addressee answered: in time, late, missed or pending.
 */
import { useState } from 'react';
import { api, ApiRefusal } from '../api.js';
import { canSend, useConsole } from '../context.js';
import { useApi, useNow } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { CheckResult } from '../types.js';
import { Countdown, Loading, Notice, PartyName, Time, useUnits } from '../widgets.js';
import { duration } from '../time.js';

interface Reminder { kind: string; case: string | null; statement: { party: string; index: number; hash: string }; due: string }

function ToAnswer() {
  const { t } = useLang();
  const { session } = useConsole();
  const now = useNow();
  const reminders = useApi<Reminder[]>('/reminders', 5000);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const checks = (reminders.data ?? []).filter((r) => r.kind === 'communication-check');
  if (checks.length === 0) return null;
  const answer = async (hash: string) => {
    try {
      const res = await api<{ index: number }>('POST', `/checks/${hash}/answer`, { name: session.name });
      setMessage({ kind: 'ok', text: t('action.sent', { index: res.data.index }) });
      reminders.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiRefusal ? `${err.rule}: ${err.message}` : String(err) });
    }
  };
  return (
    <section aria-labelledby="to-answer">
      <h2 id="to-answer">{t('checks.toAnswer')}</h2>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <ul className="plain">
        {checks.map((c) => (
          <li key={c.statement.hash} className="card">
            <PartyName id={c.statement.party} /> · {t('checks.due')} <Time iso={c.due} /> · <Countdown due={c.due} now={now} />{' '}
            {canSend(session.role) && <button type="button" onClick={() => void answer(c.statement.hash)}>{t('checks.answer')}</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ChecksPage() {
  const { t } = useLang();
  const units = useUnits();
  const checks = useApi<CheckResult[]>('/checks', 5000);
  if (checks.error instanceof ApiRefusal && checks.error.status === 404) return <><h1>{t('checks.title')}</h1><Notice kind="info">{t('checks.noScheduler')}</Notice></>;
  if (!checks.data) return <Loading error={checks.error} />;
  return (
    <>
      <h1>{t('checks.title')}</h1>
      <ToAnswer />
      <h2>{t('checks.ours')}</h2>
      {checks.data.length === 0 ? <p>{t('checks.none')}</p> : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead><tr><th scope="col">{t('checks.sent')}</th><th scope="col">{t('checks.due')}</th><th scope="col">{t('checks.answers')}</th></tr></thead>
            <tbody>
              {checks.data.map((c) => (
                <tr key={c.check.hash}>
                  <td><Time iso={c.time} /> {c.scheduled ? '' : `(${t('checks.manual')})`}</td>
                  <td><Time iso={c.answerDue} /></td>
                  <td>
                    <ul className="plain">
                      {c.answers.map((a) => (
                        <li key={a.party} className={a.status === 'missed' || a.status === 'late' ? 'overdue' : ''}>
                          <PartyName id={a.party} />: {t(`checks.${a.status}` as MessageKey)}{a.latencyMs !== undefined ? ` (${duration(a.latencyMs, units)})` : ''}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
