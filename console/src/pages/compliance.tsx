/**
 * Acknowledgement and response times against the deadlines: per party (each deadline as a bar of the time taken
 * over the time allowed) and over time (each deadline at the time it was set, its share of the allowed time; the
 * line at 100 % is the deadline). Plain SVG, with a text equivalent for screen readers.
 */
import { useApi } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { ComplianceReport, DeadlinePoint } from '../types.js';
import { Loading, partyName, useUnits } from '../widgets.js';
import { duration } from '../time.js';

export interface ComplianceData {
  report: ComplianceReport;
  deadlines: DeadlinePoint[];
  parties: Array<{ id: string; names: Record<string, string> }>;
}

const COLORS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be185d'];

/** Share of the allowed time a deadline took (or has taken so far, for one still running or missed). */
function share(d: DeadlinePoint, now: number): number {
  const took = d.tookMs ?? now - Date.parse(d.from);
  return d.allowedMs > 0 ? took / d.allowedMs : 0;
}

function PerParty({ data, kind, now }: { data: ComplianceData; kind: string; now: number }) {
  const { t, lang } = useLang();
  const width = 640;
  const row = 22;
  const rows = data.parties.map((p) => ({ p, ds: data.deadlines.filter((d) => d.party === p.id && d.kind === kind && !d.cancelled) }));
  const height = 30 + rows.reduce((n, r) => n + Math.max(1, r.ds.length) * row + 24, 0);
  const x = (f: number) => 150 + Math.min(f, 2) * ((width - 170) / 2);
  let y = 24;
  const title = t('compliance.perParty', { kind: t(`deadline.${kind}` as MessageKey) });
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} className="chart">
        <line x1={x(1)} x2={x(1)} y1={10} y2={height - 5} className="deadline-line" />
        <text x={x(1) + 4} y={18} className="axis">{t('compliance.deadline')} (100 %)</text>
        {rows.map(({ p, ds }, pi) => {
          const top = y;
          y += Math.max(1, ds.length) * row + 24;
          return (
            <g key={p.id}>
              <text x={4} y={top + 16} className="label">{partyName(p.names, p.id, lang)}</text>
              {ds.length === 0 && <text x={150} y={top + 16} className="axis">{t('compliance.noDeadlines')}</text>}
              {ds.map((d, i) => {
                const f = share(d, now);
                const late = d.overdue || f > 1;
                return (
                  <rect key={`${d.case}-${d.from}-${i}`} x={150} y={top + 4 + i * row} width={Math.max(2, x(f) - 150)} height={row - 6}
                    fill={late ? '#b00020' : COLORS[pi % COLORS.length]} opacity={d.tookMs === null ? 0.5 : 1}>
                    <title>{`${d.case}: ${Math.round(f * 100)} %`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

function OverTime({ data, now }: { data: ComplianceData; now: number }) {
  const { t, lang } = useLang();
  const width = 640;
  const height = 240;
  const points = data.deadlines.filter((d) => !d.cancelled);
  const from = Date.parse(data.report.period.from);
  const to = Date.parse(data.report.period.to);
  const x = (iso: string) => 40 + ((Date.parse(iso) - from) / Math.max(1, to - from)) * (width - 60);
  const y = (f: number) => height - 30 - Math.min(f, 2) * ((height - 50) / 2);
  const title = t('compliance.overTime');
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} className="chart">
        <line x1={40} x2={width - 20} y1={y(1)} y2={y(1)} className="deadline-line" />
        <text x={44} y={y(1) - 4} className="axis">{t('compliance.deadline')} (100 %)</text>
        <line x1={40} x2={width - 20} y1={height - 30} y2={height - 30} className="axis-line" />
        <text x={40} y={height - 10} className="axis">{data.report.period.from.slice(0, 10)}</text>
        <text x={width - 110} y={height - 10} className="axis">{data.report.period.to.slice(0, 10)}</text>
        {points.map((d, i) => {
          const pi = data.parties.findIndex((p) => p.id === d.party);
          const f = share(d, now);
          return (
            <circle key={i} cx={x(d.from)} cy={y(f)} r={5} fill={d.overdue || f > 1 ? '#b00020' : COLORS[pi % COLORS.length]} className={d.kind === 'response' ? 'response' : ''}>
              <title>{`${d.case} · ${d.party} · ${d.kind}: ${Math.round(f * 100)} %`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption>
        {title}. {data.parties.map((p, i) => <span key={p.id} className="legend"><span className="swatch" data-color={i} /> {partyName(p.names, p.id, lang)}</span>)}
        <span className="legend"><span className="swatch swatch-late" /> {t('compliance.late')}</span>
      </figcaption>
    </figure>
  );
}

export function FiguresTable({ report, parties }: { report: ComplianceReport; parties: ComplianceData['parties'] }) {
  const { t, lang } = useLang();
  const units = useUnits();
  const ms = (v: number | null) => (v === null ? '—' : duration(v, units));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="figures">
        <thead>
          <tr>
            <th scope="col">{t('peers.party')}</th><th scope="col">{t('compliance.kind')}</th><th scope="col">{t('compliance.count')}</th>
            <th scope="col">{t('compliance.onTime')}</th><th scope="col">{t('compliance.late')}</th><th scope="col">{t('compliance.missing')}</th>
            <th scope="col">{t('compliance.pending')}</th><th scope="col">{t('compliance.median')}</th><th scope="col">{t('compliance.p90')}</th>
          </tr>
        </thead>
        <tbody>
          {parties.flatMap((p) => (['acknowledgements', 'responses'] as const).map((k) => {
            const f = report.parties[p.id]?.[k];
            if (!f) return null;
            return (
              <tr key={`${p.id}-${k}`}>
                <th scope="row">{partyName(p.names, p.id, lang)}</th><td>{t(`compliance.${k}` as MessageKey)}</td><td>{f.count}</td><td>{f.onTime}</td>
                <td className={f.late ? 'overdue' : ''}>{f.late}</td><td className={f.missing ? 'overdue' : ''}>{f.missing}</td><td>{f.pending}</td><td>{ms(f.medianMs)}</td><td>{ms(f.p90Ms)}</td>
              </tr>
            );
          }))}
        </tbody>
      </table>
    </div>
  );
}

export function CompliancePage() {
  const { t } = useLang();
  const data = useApi<ComplianceData>('/compliance', 10000);
  if (!data.data) return <Loading error={data.error} />;
  const now = Date.parse(data.data.report.at);
  return (
    <>
      <h1>{t('compliance.title')}</h1>
      <FiguresTable report={data.data.report} parties={data.data.parties} />
      <div className="charts">
        <PerParty data={data.data} kind="acknowledgement" now={now} />
        <PerParty data={data.data} kind="response" now={now} />
        <OverTime data={data.data} now={now} />
      </div>
    </>
  );
}
