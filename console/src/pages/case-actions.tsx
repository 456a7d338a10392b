/**
 * What a person does on a case: acknowledge, request information, respond, escalate (approvers), close (the opener).
 * The node fills in the case, the addressees and the statement answered; a draft above the lowest tier waits for a
 * second approver, and the page says so.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiRefusal } from '../api.js';
import { useConsole } from '../context.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { CaseDetail } from '../types.js';
import { Notice } from '../widgets.js';

type Action = 'acknowledge' | 'request-information' | 'respond' | 'escalate' | 'close';
const ESCALATION_REASONS = ['overdue', 'severity-increased', 'response-unsatisfactory', 'political-significance', 'other'];
const CLOSURE_REASONS = ['resolved', 'no-further-action', 'withdrawn', 'duplicate'];

function Field({ label, children }: { label: string; children: ReactNode }) {
  return <label>{label}{children}</label>;
}

export function CaseActions({ c, onDone }: { c: CaseDetail; onDone(): void }) {
  const { t, lang } = useLang();
  const { session, codebook } = useConsole();
  const [action, setAction] = useState<Action | null>(null);
  const [text, setText] = useState('');
  const [code, setCode] = useState('');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const open = (a: Action) => { setAction(a); setText(''); setCode(''); setResult(null); };
  const owes = (kind: string) => c.deadlines.some((d) => d.kind === kind && d.party === session.party && d.met === undefined && !d.cancelled);

  const payload = (): object => {
    const language = lang;
    switch (action) {
      case 'acknowledge': return { by: { name: session.name }, language, ...(text ? { note: text } : {}) };
      case 'request-information': return { severity: code || 'medium', questions: text.split('\n').map((q) => q.trim()).filter(Boolean), language };
      case 'respond': return { outcome: code, by: { name: session.name }, language, ...(text ? { text } : {}) };
      case 'escalate': return { reason: code || 'overdue', language, ...(text ? { text } : {}) };
      default: return { reason: code || 'resolved', language, ...(text ? { text } : {}) };
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const res = await api<{ index?: number; approval?: { id: number } }>('POST', `/cases/${encodeURIComponent(c.id)}/${action}`, payload());
      setResult(res.status === 202
        ? { kind: 'ok', text: t('action.pending', { id: res.data.approval?.id ?? '?' }) }
        : { kind: 'ok', text: t('action.sent', { index: res.data.index ?? '?' }) });
      setAction(null);
      onDone();
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiRefusal ? `${err.rule}: ${err.message}` : String(err) });
    }
  };

  const buttons: Array<[Action, boolean]> = [
    ['acknowledge', owes('acknowledgement')],
    ['request-information', true],
    ['respond', owes('response')],
    ['escalate', session.role === 'approver'],
    ['close', c.opener === session.party],
  ];
  const codeSelect = (label: string, options: Array<[string, string]>) => (
    <Field label={label}>
      <select value={code} onChange={(e) => setCode(e.target.value)} required name="code">
        <option value="">—</option>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </Field>
  );

  return (
    <section aria-labelledby="actions" className="actions">
      <h2 id="actions">{t('case.actions')}</h2>
      <div className="buttons">
        {buttons.filter(([, shown]) => shown).map(([a]) => (
          <button key={a} type="button" className={action === a ? '' : 'secondary'} onClick={() => open(a)} data-action={a}>{t(`action.${a}` as MessageKey)}</button>
        ))}
      </div>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {action && (
        <form onSubmit={submit} className="card" aria-label={t(`action.${action}` as MessageKey)}>
          {action === 'request-information' && codeSelect(t('case.severity'), (codebook?.lists.severity ?? []).map((e) => [e.code, e.label]))}
          {action === 'respond' && codeSelect(t('field.outcome'), (codebook?.lists.outcome ?? []).map((e) => [e.code, e.label]))}
          {action === 'escalate' && codeSelect(t('field.reason'), ESCALATION_REASONS.map((r) => [r, t(`reason.${r}` as MessageKey)]))}
          {action === 'close' && codeSelect(t('field.reason'), CLOSURE_REASONS.map((r) => [r, t(`reason.${r}` as MessageKey)]))}
          <Field label={action === 'request-information' ? t('field.questionsOnePerLine') : action === 'acknowledge' ? t('field.note') : t('field.text')}>
            <textarea name="text" value={text} onChange={(e) => setText(e.target.value)} rows={3} required={action === 'request-information'} lang={lang} />
          </Field>
          <p className="hint">{t('compose.freeTextHint')}</p>
          {action === 'escalate' && <p className="hint">{t('action.needsApproval')}</p>}
          <div className="buttons">
            <button type="submit" data-submit={action}>{t('action.send')}</button>
            <button type="button" className="secondary" onClick={() => setAction(null)}>{t('action.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
