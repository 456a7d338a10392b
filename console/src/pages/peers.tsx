/** The channel as this node sees it: each peer's reachability, lag, witnessing, and any alarm (a fork, equivocation). */
import { useApi } from '../hooks.js';
import { useLang } from '../i18n/index.js';
import type { Evidence, PeerStatus } from '../types.js';
import { Loading, PartyName, Time } from '../widgets.js';

export function PeersPage() {
  const { t } = useLang();
  const peers = useApi<PeerStatus[]>('/peers', 3000);
  const evidence = useApi<Evidence[]>('/evidence', 10000);
  if (!peers.data) return <Loading error={peers.error} />;
  return (
    <>
      <h1>{t('peers.title')}</h1>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('peers.party')}</th><th scope="col">{t('peers.reachable')}</th><th scope="col">{t('peers.lastContact')}</th>
              <th scope="col">{t('peers.pending')}</th><th scope="col">{t('peers.lag')}</th><th scope="col">{t('peers.witnessed')}</th>
              <th scope="col">{t('peers.cosignedOwn')}</th><th scope="col">{t('peers.verification')}</th>
            </tr>
          </thead>
          <tbody>
            {peers.data.map((p) => (
              <tr key={p.party} className={p.verification === 'alarm' ? 'overdue-row' : ''}>
                <th scope="row"><PartyName id={p.party} /></th>
                <td className={p.reachable ? 'ok' : 'overdue'}>{p.reachable ? t('yes') : t('no')}{p.lastError ? <small> — {p.lastError}</small> : null}</td>
                <td><Time iso={p.lastContactAt} /></td>
                <td>{p.pendingDeliveries}</td>
                <td>{p.lag} <small>({p.mirrorSize}/{p.checkpointSize})</small></td>
                <td>{p.witnessedSize}</td>
                <td>{p.cosignedOwnCheckpointBy.length ? p.cosignedOwnCheckpointBy.map((w, i) => <span key={w}>{i ? ', ' : ''}<PartyName id={w} /></span>) : '—'}</td>
                <td>{p.verification === 'alarm' ? <strong className="overdue">{t('peers.alarm')}: {p.alarms.join('; ')}</strong> : <span className="ok">✓ {t('peers.verified')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="evidence">
        <h2 id="evidence">{t('peers.evidence')}</h2>
        {(evidence.data ?? []).length === 0 ? <p>{t('peers.noEvidence')}</p> : (
          <ul>{evidence.data!.map((e, i) => <li key={e.id ?? i} className="overdue"><strong>{e.kind}</strong> · <PartyName id={e.party} /> · <Time iso={e.storedAt} /> — {e.summary}</li>)}</ul>
        )}
      </section>
    </>
  );
}
