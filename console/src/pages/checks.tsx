/** Communication checks this party sent, and how each addressee answered: in time, late, missed or pending. */
import { ApiRefusal } from '../api.js';
import { useApi } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { CheckResult } from '../types.js';
import { Loading, Notice, PartyName, Time, useUnits } from '../widgets.js';
import { duration } from '../time.js';

export function ChecksPage() {
  const { t } = useLang();
  const units = useUnits();
  const checks = useApi<CheckResult[]>('/checks', 5000);
  if (checks.error instanceof ApiRefusal && checks.error.status === 404) return <><h1>{t('checks.title')}</h1><Notice kind="info">{t('checks.noScheduler')}</Notice></>;
  if (!checks.data) return <Loading error={checks.error} />;
  return (
    <>
      <h1>{t('checks.title')}</h1>
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
