/** The two-person rule: drafts above the lowest tier, which a different approver approves or rejects. */
import { useState } from 'react';
import { api, ApiRefusal } from '../api.js';
import { useConsole } from '../context.js';
import { useApi } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import { Link } from '../router.js';
import type { Approval } from '../types.js';
import { Loading, Notice, PartyName, Time } from '../widgets.js';
import { StatementBody } from './statement-body.js';

function Pending({ a, onDone }: { a: Approval; onDone(): void }) {
  const { t } = useLang();
  const { session } = useConsole();
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const mine = a.proposedBy.id === `account:${session.name}`;
  const decide = async (how: 'approve' | 'reject') => {
    try {
      await api('POST', `/approvals/${a.id}/${how}`, how === 'reject' ? { reason } : undefined);
      onDone();
    } catch (err) {
      setError(err instanceof ApiRefusal ? `${err.rule}: ${err.message}` : String(err));
    }
  };
  return (
    <li className="card approval" data-approval={a.id}>
      <h3>#{a.id} · {t(`type.${a.draft.type}` as MessageKey)} · {t(`tier.${a.tier}` as MessageKey)}</h3>
      <p>
        {a.draft.case && <>{t('case.id')}: <Link to={`/cases/${encodeURIComponent(a.draft.case)}`}>{a.draft.case}</Link> · </>}
        {t('approvals.to')}: {(a.draft.to ?? []).map((p, i) => <span key={p}>{i ? ', ' : ''}<PartyName id={p} /></span>)}
      </p>
      <p>{t('approvals.proposedBy', { name: a.proposedBy.name })} · <Time iso={a.proposedAt} /></p>
      <StatementBody body={a.draft.body as Record<string, unknown>} />
      {session.role === 'approver' && (mine ? <p className="hint">{t('approvals.ownDraft')}</p> : (
        <div className="decide">
          <button type="button" onClick={() => void decide('approve')} data-approve={a.id}>{t('approvals.approve')}</button>
          <label>{t('approvals.reason')}<input value={reason} onChange={(e) => setReason(e.target.value)} name="reason" /></label>
          <button type="button" className="danger" disabled={!reason} onClick={() => void decide('reject')}>{t('approvals.reject')}</button>
        </div>
      ))}
      {error && <Notice kind="error">{error}</Notice>}
    </li>
  );
}

export function ApprovalsPage() {
  const { t } = useLang();
  const list = useApi<Approval[]>('/approvals', 3000);
  if (!list.data) return <Loading error={list.error} />;
  const pending = list.data.filter((a) => a.status === 'pending');
  const decided = list.data.filter((a) => a.status !== 'pending');
  return (
    <>
      <h1>{t('approvals.title')}</h1>
      <p className="hint">{t('approvals.rule')}</p>
      <section aria-labelledby="pending">
        <h2 id="pending">{t('approvals.pending')}</h2>
        {pending.length === 0 ? <p>{t('approvals.none')}</p> : <ul className="plain">{pending.map((a) => <Pending key={a.id} a={a} onDone={list.reload} />)}</ul>}
      </section>
      <section aria-labelledby="decided">
        <h2 id="decided">{t('approvals.decided')}</h2>
        {decided.length === 0 ? <p>{t('approvals.none')}</p> : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th scope="col">#</th><th scope="col">{t('approvals.what')}</th><th scope="col">{t('approvals.proposed')}</th><th scope="col">{t('approvals.decision')}</th></tr></thead>
              <tbody>
                {decided.map((a) => (
                  <tr key={a.id}>
                    <td>{a.id}</td>
                    <td>{t(`type.${a.draft.type}` as MessageKey)} · {a.draft.case ?? ''} · {t(`tier.${a.tier}` as MessageKey)}</td>
                    <td>{a.proposedBy.name} · <Time iso={a.proposedAt} /></td>
                    <td>{t(`approvals.${a.status}` as MessageKey)} · {a.decidedBy?.name} · <Time iso={a.decidedAt} />{a.sent ? ` · #${a.sent.index}` : ''}{a.reason ? ` · ${a.reason}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
