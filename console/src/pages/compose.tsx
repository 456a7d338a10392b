/**
 * Composing a notification from the codebook: category, severity and requested actions are codes, which each
 * addressee reads in their own language (shown here side by side); the summary and details are free text, sent
 * and shown exactly as written. Above the technical tier the draft waits for a second approver.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiRefusal } from '../api.js';
import { labelIn, useConsole } from '../context.js';
import { useApi } from '../hooks.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import { useRoute } from '../router.js';
import type { LabelledCodebook } from '../types.js';
import { Notice, partyName } from '../widgets.js';

function newCaseId(party: string): string {
  const year = new Date().getUTCFullYear();
  const n = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${party}:${year}-${n}`;
}

/** What one addressee will read: the codes in the addressee's first working language. */
function AddresseeView({ party, category, severity, actions }: { party: string; category: string; severity: string; actions: string[] }) {
  const { t, lang } = useLang();
  const { agreement } = useConsole();
  const p = agreement.parties.find((x) => x.id === party);
  const theirs = p?.languages[0] ?? 'en';
  const book = useApi<LabelledCodebook>(`/codebook?lang=${theirs}`);
  return (
    <div className="card addressee" lang={theirs}>
      <div className="free-text-label" lang={lang}>{t('compose.readsAs', { party: partyName(p?.names, party, lang), lang: theirs })}</div>
      <ul>
        <li>{labelIn(book.data, 'category', category)}</li>
        <li>{labelIn(book.data, 'severity', severity)}</li>
        {actions.map((a) => <li key={a}>{labelIn(book.data, 'action', a)}</li>)}
      </ul>
    </div>
  );
}

export function ComposePage() {
  const { t, lang } = useLang();
  const { session, agreement, codebook } = useConsole();
  const { go } = useRoute();
  const others = agreement.parties.filter((p) => p.id !== session.party);
  const [to, setTo] = useState<string[]>(others.map((p) => p.id));
  const [category, setCategory] = useState('');
  const [severity, setSeverity] = useState('');
  const [actions, setActions] = useState<string[]>([]);
  const [tier, setTier] = useState(agreement.escalation.ladder[0] ?? 'technical');
  const [summary, setSummary] = useState('');
  const [details, setDetails] = useState('');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  if (session.role !== 'duty-officer' && session.role !== 'approver') return <><h1>{t('compose.title')}</h1><p>{t('compose.notAllowed')}</p></>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const caseId = newCaseId(session.party);
    const lowest = agreement.escalation.ladder[0];
    const body = { category, severity, actions, summary, ...(details ? { details } : {}), language: lang, ...(tier !== lowest ? { tier } : {}) };
    try {
      const res = await api<{ approval?: { id: number } }>('POST', '/statements', { type: 'notification', case: caseId, to, body });
      if (res.status === 202) setResult({ kind: 'ok', text: t('action.pending', { id: res.data.approval?.id ?? '?' }) });
      else go(`/cases/${encodeURIComponent(caseId)}`);
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiRefusal ? `${err.rule}: ${err.message}` : String(err) });
    }
  };

  return (
    <>
      <h1>{t('compose.title')}</h1>
      <form onSubmit={submit} className="card compose">
        <fieldset>
          <legend>{t('compose.to')}</legend>
          {others.map((p) => (
            <label key={p.id} className="inline"><input type="checkbox" checked={to.includes(p.id)} onChange={() => setTo(toggle(to, p.id))} /> {partyName(p.names, p.id, lang)}</label>
          ))}
        </fieldset>
        <label>{t('case.category')}
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value)} required>
            <option value="">—</option>
            {(codebook?.lists.category ?? []).map((c) => <option key={c.code} value={c.code}>{c.label}</option>)}
          </select>
        </label>
        <label>{t('case.severity')}
          <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)} required>
            <option value="">—</option>
            {(codebook?.lists.severity ?? []).map((c) => <option key={c.code} value={c.code}>{c.label}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>{t('field.actions')}</legend>
          <div className="checks-grid">
            {(codebook?.lists.action ?? []).map((a) => (
              <label key={a.code} className="inline"><input type="checkbox" name="action" value={a.code} checked={actions.includes(a.code)} onChange={() => setActions(toggle(actions, a.code))} /> {a.label}</label>
            ))}
          </div>
        </fieldset>
        <label>{t('case.tier')}
          <select name="tier" value={tier} onChange={(e) => setTier(e.target.value as typeof tier)}>
            {agreement.escalation.ladder.map((x) => <option key={x} value={x}>{t(`tier.${x}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>{t('field.summary')}<input name="summary" value={summary} onChange={(e) => setSummary(e.target.value)} required maxLength={500} lang={lang} /></label>
        <label>{t('field.details')}<textarea name="details" value={details} onChange={(e) => setDetails(e.target.value)} rows={4} lang={lang} /></label>
        <p className="hint">{t('compose.freeTextHint')}</p>
        {tier !== agreement.escalation.ladder[0] && <p className="hint">{t('action.needsApproval')}</p>}
        {category && severity && (
          <section aria-label={t('compose.preview')} className="previews">
            {to.map((p) => <AddresseeView key={p} party={p} category={category} severity={severity} actions={actions} />)}
          </section>
        )}
        {result && <Notice kind={result.kind}>{result.text}</Notice>}
        <button type="submit" disabled={to.length === 0 || actions.length === 0}>{t('compose.send')}</button>
      </form>
    </>
  );
}
