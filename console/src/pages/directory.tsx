/** The points of contact the agreement names, per party and tier. */
import { useConsole } from '../context.js';
import { useLang, type MessageKey } from '../i18n/index.js';
import { partyName } from '../widgets.js';

export function DirectoryPage() {
  const { t, lang } = useLang();
  const { agreement } = useConsole();
  return (
    <>
      <h1>{t('directory.title')}</h1>
      {agreement.parties.map((p) => (
        <section key={p.id} aria-labelledby={`party-${p.id}`}>
          <h2 id={`party-${p.id}`}>{partyName(p.names, p.id, lang)}</h2>
          <div className="cards">
            {agreement.contacts.filter((c) => c.party === p.id).map((c) => (
              <div className="card contact" key={`${c.tier}-${c.name}`}>
                <h3>{c.name} <small>· {t(`tier.${c.tier}` as MessageKey)}</small></h3>
                <p>{c.role}<br />{c.agency}</p>
                <dl>
                  {c.email && <div><dt>{t('directory.email')}</dt><dd><a href={`mailto:${c.email}`}>{c.email}</a></dd></div>}
                  {c.phone && <div><dt>{t('directory.phone')}</dt><dd><a href={`tel:${c.phone.replace(/\s/g, '')}`}>{c.phone}</a></dd></div>}
                  <div><dt>{t('directory.languages')}</dt><dd>{c.languages.join(', ')}</dd></div>
                  <div><dt>{t('directory.hours')}</dt><dd>{c.hours}</dd></div>
                </dl>
              </div>
            ))}
          </div>
        </section>
      ))}
    </>
  );
}
