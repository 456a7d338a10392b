/**
 * One case: its state and deadlines, the timeline of statements from every party with what was verified about each
 * (signed by its author, at index n of the author's log, cosigned by which witnesses, receipts with their times),
 * and the actions a duty officer or approver takes on it.
 */
import { canSend, labelIn, useConsole } from '../context.js';
import { useApi, useNow } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { CaseDetail, StatementJson, TimelineEntry } from '../types.js';
import { Countdown, Loading, PartyName, Time } from '../widgets.js';
import { CaseActions } from './case-actions.js';
import { StatementBody } from './statement-body.js';

function Verification({ s }: { s: StatementJson }) {
  const { t } = useLang();
  return (
    <ul className="verification" aria-label={t('verify.label')}>
      <li className="ok">✓ {t('verify.signed')} <PartyName id={s.author} /></li>
      <li className="ok">✓ {t('verify.inLog', { index: s.index })} <PartyName id={s.author} /> <code className="hash" title={s.hash}>{s.hash.slice(0, 12)}…</code></li>
      <li className={s.cosignedBy.length ? 'ok' : 'pending'}>
        {s.cosignedBy.length ? <>✓ {t('verify.cosigned')} {s.cosignedBy.map((w, i) => <span key={w}>{i ? ', ' : ''}<PartyName id={w} /></span>)}</> : <>… {t('verify.notCosigned')}</>}
      </li>
      {s.receipts.map((r) => <li key={r.party} className="ok">✓ {t('verify.receipt')} <PartyName id={r.party} /> · <Time iso={r.storedAt} /></li>)}
    </ul>
  );
}

function Entry({ entry, s }: { entry: TimelineEntry; s: StatementJson | null }) {
  const { t } = useLang();
  const { session } = useConsole();
  const own = entry.party === session.party;
  return (
    <li className={`entry ${own ? 'own' : 'theirs'}`} data-type={entry.type} data-author={entry.party}>
      <article aria-label={`${t(`type.${entry.type}` as MessageKey)} — ${entry.party}`}>
        <header>
          <strong>{t(`type.${entry.type}` as MessageKey)}</strong> · <PartyName id={entry.party} /> · <Time iso={entry.time} />
          {s && s.statement.to.length > 0 && <span className="to"> → {s.statement.to.map((p, i) => <span key={p}>{i ? ', ' : ''}<PartyName id={p} /></span>)}</span>}
        </header>
        {s ? <>{s.body ? <StatementBody body={s.body} /> : <p className="sealed">{t('case.sealed', { parties: (s.sealedTo ?? []).join(', ') })}</p>}<Verification s={s} /></> : <p className="pending">{t('case.notHeld')}</p>}
      </article>
    </li>
  );
}

export function CasePage({ id }: { id: string }) {
  const { t } = useLang();
  const { session, codebook } = useConsole();
  const now = useNow();
  const c = useApi<CaseDetail>(`/cases/${encodeURIComponent(id)}`, 2000);
  if (!c.data) return <Loading error={c.error} />;
  const cs = c.data;
  return (
    <>
      <h1>{t('case.title', { id: cs.id })}</h1>
      <dl className="case-summary">
        <div><dt>{t('case.category')}</dt><dd>{labelIn(codebook, 'category', cs.category)}</dd></div>
        <div><dt>{t('case.severity')}</dt><dd>{labelIn(codebook, 'severity', cs.severity)}</dd></div>
        <div><dt>{t('case.status')}</dt><dd data-testid="case-status" className={`status status-${cs.status}`}>{t(`status.${cs.status}` as MessageKey)}</dd></div>
        <div><dt>{t('case.tier')}</dt><dd data-testid="case-tier">{t(`tier.${cs.tier}` as MessageKey)}</dd></div>
        <div><dt>{t('case.opener')}</dt><dd><PartyName id={cs.opener} /></dd></div>
        <div><dt>{t('case.opened')}</dt><dd><Time iso={cs.opened} /></dd></div>
      </dl>
      <section aria-labelledby="deadlines">
        <h2 id="deadlines">{t('case.deadlines')}</h2>
        {cs.deadlines.length === 0 ? <p>{t('case.noDeadlines')}</p> : (
          <ul className="deadlines">
            {cs.deadlines.map((d) => (
              <li key={`${d.statement}-${d.kind}-${d.party}`} className={d.overdue ? 'overdue-row' : ''}>
                {t(`deadline.${d.kind}` as MessageKey)} · <PartyName id={d.party} /> · {t('deadline.due')} <Time iso={d.due} /> ·{' '}
                {d.cancelled ? t('deadline.cancelled') : d.met ? <>{t('deadline.metAt')} <Time iso={d.met} />{d.overdue ? <strong className="overdue"> ({t('deadline.late')})</strong> : null}</> : <Countdown due={d.due} now={now} />}
              </li>
            ))}
          </ul>
        )}
      </section>
      {canSend(session.role) && cs.status !== 'closed' && <CaseActions c={cs} onDone={c.reload} />}
      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('case.timeline')}</h2>
        <ol className="timeline">
          {cs.timeline.map((e, i) => <Entry key={`${e.party}-${e.index}`} entry={e} s={cs.statements[i] ?? null} />)}
        </ol>
      </section>
    </>
  );
}
