/**
 * The inbox: every case with what is due next and a countdown to each deadline (overdue in red), filtered by party,
 * tier, status and category.
 */
import { useState } from 'react';
import { labelIn, useConsole } from '../context.js';
import { useApi, useNow } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import { Link } from '../router.js';
import type { CaseDeadline, CaseState } from '../types.js';
import { Countdown, Loading, PartyName, Time } from '../widgets.js';

const STATUSES = ['open', 'acknowledged', 'awaiting-response', 'answered', 'escalated', 'closed'] as const;

/** The unmet, uncancelled deadlines of a case, soonest first. */
export function runningDeadlines(c: CaseState): CaseDeadline[] {
  return c.deadlines.filter((d) => d.met === undefined && !d.cancelled).sort((a, b) => a.due.localeCompare(b.due));
}

interface Filters { party: string; tier: string; status: string; category: string }

function FilterBar({ filters, set }: { filters: Filters; set(f: Filters): void }) {
  const { t, lang } = useLang();
  const { agreement, codebook } = useConsole();
  const pick = (key: keyof Filters, label: string, options: Array<[string, string]>) => (
    <label>{label}
      <select value={filters[key]} onChange={(e) => set({ ...filters, [key]: e.target.value })} name={key}>
        <option value="">{t('filter.all')}</option>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
  return (
    <form className="filters" aria-label={t('filter.label')} onSubmit={(e) => e.preventDefault()}>
      {pick('party', t('case.party'), agreement.parties.map((p) => [p.id, p.names[lang] ?? p.names.en ?? p.id]))}
      {pick('tier', t('case.tier'), agreement.escalation.ladder.map((tier) => [tier, t(`tier.${tier}` as MessageKey)]))}
      {pick('status', t('case.status'), STATUSES.map((s) => [s, t(`status.${s}` as MessageKey)]))}
      {pick('category', t('case.category'), (codebook?.lists.category ?? []).map((e) => [e.code, e.label]))}
    </form>
  );
}

export function InboxPage() {
  const { t } = useLang();
  const { session, codebook } = useConsole();
  const now = useNow();
  const [filters, setFilters] = useState<Filters>({ party: '', tier: '', status: '', category: '' });
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  const cases = useApi<CaseState[]>(`/cases${query ? `?${query}` : ''}`, 3000);
  const dueNext = (cases.data ?? [])
    .flatMap((c) => runningDeadlines(c).filter((d) => d.party === session.party).map((d) => ({ c, d })))
    .sort((a, b) => a.d.due.localeCompare(b.d.due));

  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <section aria-labelledby="due-next">
        <h2 id="due-next">{t('inbox.dueNext')}</h2>
        {dueNext.length === 0 ? <p>{t('inbox.nothingDue')}</p> : (
          <ul className="due-list">
            {dueNext.map(({ c, d }) => (
              <li key={`${c.id}-${d.statement}-${d.kind}`} className={Date.parse(d.due) < now ? 'overdue-row' : ''}>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.id}</Link>{' — '}
                {t(`deadline.${d.kind}` as MessageKey)}{' · '}<Time iso={d.due} />{' · '}<Countdown due={d.due} now={now} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all-cases">
        <h2 id="all-cases">{t('inbox.cases')}</h2>
        <FilterBar filters={filters} set={setFilters} />
        {!cases.data ? <Loading error={cases.error} /> : cases.data.length === 0 ? <p>{t('inbox.none')}</p> : (
          <div className="table-wrap" tabIndex={0}>
            <table className="cases">
              <thead>
                <tr>
                  <th scope="col">{t('case.id')}</th><th scope="col">{t('case.category')}</th><th scope="col">{t('case.severity')}</th>
                  <th scope="col">{t('case.status')}</th><th scope="col">{t('case.tier')}</th><th scope="col">{t('case.opener')}</th>
                  <th scope="col">{t('case.opened')}</th><th scope="col">{t('case.nextDeadline')}</th>
                </tr>
              </thead>
              <tbody>
                {[...cases.data].reverse().map((c) => {
                  const next = runningDeadlines(c)[0];
                  const overdue = c.deadlines.some((d) => d.overdue && d.met === undefined && !d.cancelled);
                  return (
                    <tr key={c.id} className={overdue ? 'overdue-row' : ''} data-case={c.id}>
                      <th scope="row"><Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.id}</Link></th>
                      <td>{labelIn(codebook, 'category', c.category)}</td>
                      <td>{labelIn(codebook, 'severity', c.severity)}</td>
                      <td><span className={`status status-${c.status}`}>{t(`status.${c.status}` as MessageKey)}</span></td>
                      <td>{t(`tier.${c.tier}` as MessageKey)}</td>
                      <td><PartyName id={c.opener} /></td>
                      <td><Time iso={c.opened} /></td>
                      <td>{next ? <>{t(`deadline.${next.kind}` as MessageKey)}: <PartyName id={next.party} /> · <Countdown due={next.due} now={now} /></> : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
