/**
 * A statement's body as its reader should see it: codes in the reader's language (from the codebook), free text
 * exactly as written, marked as such with the language it was written in, and cited STIX objects listed.
 */
import { labelIn, useConsole } from '../context.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import type { CodeList } from '../types.js';
import { Time } from '../widgets.js';

const CODED: Array<[string, CodeList]> = [['category', 'category'], ['severity', 'severity'], ['outcome', 'outcome'], ['activity', 'activity']];
const FREE_TEXT = ['summary', 'details', 'note', 'text', 'reason'];

interface StixLike { type?: string; id?: string; name?: string; pattern?: string; value?: string }

function FreeText({ field, text, language }: { field: string; text: string; language: string | undefined }) {
  const { t } = useLang();
  return (
    <div className="free-text">
      <div className="free-text-label">{t(`field.${field}` as MessageKey)} <span className="as-written">({t('body.asWritten', { lang: language ?? '?' })})</span></div>
      <blockquote lang={language}>{text}</blockquote>
    </div>
  );
}

export function StatementBody({ body }: { body: Record<string, unknown> }) {
  const { t } = useLang();
  const { codebook } = useConsole();
  const language = typeof body.language === 'string' ? body.language : undefined;
  const actions = Array.isArray(body.actions) ? (body.actions as string[]) : [];
  const questions = Array.isArray(body.questions) ? (body.questions as string[]) : [];
  const objects = Array.isArray(body.objects) ? (body.objects as StixLike[]) : [];
  const by = body.by as { name?: string; role?: string } | undefined;
  return (
    <div className="body">
      <dl className="codes">
        {CODED.filter(([f]) => typeof body[f] === 'string').map(([f, list]) => (
          <div key={f}><dt>{t(`field.${f}` as MessageKey)}</dt><dd data-code={String(body[f])}>{labelIn(codebook, list, body[f] as string)}</dd></div>
        ))}
        {actions.length > 0 && <div><dt>{t('field.actions')}</dt><dd>{actions.map((a) => labelIn(codebook, 'action', a)).join('; ')}</dd></div>}
        {typeof body.tier === 'string' && <div><dt>{t('case.tier')}</dt><dd>{t(`tier.${body.tier}` as MessageKey)}</dd></div>}
        {by?.name && <div><dt>{t('field.by')}</dt><dd>{by.name}{by.role ? `, ${by.role}` : ''}</dd></div>}
        {typeof body.tlp === 'string' && <div><dt>TLP</dt><dd>{body.tlp}</dd></div>}
        {typeof body.firstSeen === 'string' && <div><dt>{t('field.firstSeen')}</dt><dd><Time iso={body.firstSeen} /></dd></div>}
      </dl>
      {FREE_TEXT.filter((f) => typeof body[f] === 'string' && !(f === 'reason' && /^[a-z-]+$/.test(body[f] as string))).map((f) => <FreeText key={f} field={f} text={body[f] as string} language={language} />)}
      {typeof body.reason === 'string' && /^[a-z-]+$/.test(body.reason) && <p>{t('field.reason')}: {t(`reason.${body.reason}` as MessageKey)}</p>}
      {questions.length > 0 && (
        <div className="free-text">
          <div className="free-text-label">{t('field.questions')} <span className="as-written">({t('body.asWritten', { lang: language ?? '?' })})</span></div>
          <ol lang={language}>{questions.map((q, i) => <li key={i}>{q}</li>)}</ol>
        </div>
      )}
      {objects.length > 0 && (
        <div className="stix">
          <div className="free-text-label">{t('case.stix', { count: objects.length })}</div>
          <ul>{objects.map((o, i) => <li key={o.id ?? i}><code>{o.type}</code> {o.name ?? o.value ?? ''} {o.pattern ? <code>{o.pattern}</code> : null} <small>{o.id}</small></li>)}</ul>
        </div>
      )}
    </div>
  );
}
