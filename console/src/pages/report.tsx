/**
 * The annual review report: the figures of the period for every party, printable (the browser's print makes the
 * PDF; print CSS drops the navigation and keeps tables whole).
 */
import { useConsole } from '../context.js';
import { useApi } from '../hooks.js';
import { useLang } from '../i18n/index.js';
import { Loading, partyName, Time, useUnits } from '../widgets.js';
import { duration } from '../time.js';
import { FiguresTable, type ComplianceData } from './compliance.js';

export function ReportPage() {
  const { t, lang } = useLang();
  const units = useUnits();
  const { agreement, session } = useConsole();
  const data = useApi<ComplianceData>('/compliance');
  if (!data.data) return <Loading error={data.error} />;
  const { report, parties } = data.data;
  const ms = (v: number | null) => (v === null ? '—' : duration(v, units));
  return (
    <article className="report">
      <div className="no-print buttons"><button type="button" onClick={() => window.print()}>{t('report.print')}</button></div>
      <h1>{t('report.title')}</h1>
      <p className="report-agreement">{agreement.title[lang] ?? agreement.title.en ?? agreement.id}</p>
      <dl className="case-summary">
        <div><dt>{t('report.period')}</dt><dd><Time iso={report.period.from} /> – <Time iso={report.period.to} /></dd></div>
        <div><dt>{t('report.generated')}</dt><dd><Time iso={report.at} /></dd></div>
        <div><dt>{t('report.by')}</dt><dd>{partyName(agreement.parties.find((p) => p.id === session.party)?.names, session.party, lang)} · {session.name}</dd></div>
      </dl>
      <h2>{t('report.deadlines')}</h2>
      <FiguresTable report={report} parties={parties} />
      <h2>{t('report.checks')}</h2>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead><tr><th scope="col">{t('peers.party')}</th><th scope="col">{t('checks.sent')}</th><th scope="col">{t('report.received')}</th><th scope="col">{t('checks.answered')}</th><th scope="col">{t('compliance.late')}</th><th scope="col">{t('checks.missed')}</th><th scope="col">{t('compliance.median')}</th></tr></thead>
          <tbody>
            {parties.map((p) => {
              const c = report.parties[p.id]?.communicationChecks;
              return c ? <tr key={p.id}><th scope="row">{partyName(p.names, p.id, lang)}</th><td>{c.sent}</td><td>{c.received}</td><td>{c.onTime}</td><td>{c.late}</td><td>{c.unanswered}</td><td>{ms(c.medianLatencyMs)}</td></tr> : null;
            })}
          </tbody>
        </table>
      </div>
      <h2>{t('report.other')}</h2>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead><tr><th scope="col">{t('peers.party')}</th><th scope="col">{t('report.casesOpened')}</th><th scope="col">{t('report.priorNotices')}</th><th scope="col">{t('report.commitmentsAffirmed')}</th><th scope="col">{t('report.commitmentsMissing')}</th></tr></thead>
          <tbody>
            {parties.map((p) => {
              const f = report.parties[p.id];
              return f ? <tr key={p.id}><th scope="row">{partyName(p.names, p.id, lang)}</th><td>{f.casesOpened}</td><td>{f.priorNotices.given} ({f.priorNotices.belowMinimum} {t('report.belowMinimum')})</td><td>{f.commitments.affirmed.join(', ') || '—'}</td><td className={f.commitments.missing.length ? 'overdue' : ''}>{f.commitments.missing.join(', ') || '—'}</td></tr> : null;
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('report.recompute')}</p>
    </article>
  );
}
