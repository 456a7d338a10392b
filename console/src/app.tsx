/**
 * The console's frame: the language switch (every string and the codebook), the login gate, the navigation and the
 * page of the current path.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, ApiRefusal, get, useCsrf, type SessionInfo } from './api.js';
import { ConsoleContext, type ConsoleState } from './context.js';
import { useApi } from './hooks.js';
import { initialLang, LANGS, LangContext, translator, useLang, type Lang, type MessageKey } from './i18n/index.js';
import { Link, Router, useRoute } from './router.js';
import type { Agreement, LabelledCodebook } from './types.js';
import { Loading, partyName } from './widgets.js';
import { LoginPage } from './pages/login.js';
import { InboxPage } from './pages/inbox.js';
import { CasePage } from './pages/case.js';
import { ComposePage } from './pages/compose.js';
import { ApprovalsPage } from './pages/approvals.js';
import { DirectoryPage } from './pages/directory.js';
import { ChecksPage } from './pages/checks.js';
import { PeersPage } from './pages/peers.js';
import { CompliancePage } from './pages/compliance.js';
import { ReportPage } from './pages/report.js';

const LANG_NAMES: Record<Lang, string> = { en: 'English', ru: 'Русский', vi: 'Tiếng Việt' };

const NAV: Array<[string, MessageKey]> = [
  ['/inbox', 'nav.inbox'], ['/compose', 'nav.compose'], ['/approvals', 'nav.approvals'], ['/directory', 'nav.directory'],
  ['/checks', 'nav.checks'], ['/peers', 'nav.peers'], ['/compliance', 'nav.compliance'], ['/report', 'nav.report'],
];

function LanguageSwitch() {
  const { lang, setLang, t } = useLang();
  return (
    <label className="lang-switch">
      <span>{t('language')}</span>{' '}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language">
        {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
      </select>
    </label>
  );
}

function Page() {
  const { path } = useRoute();
  const p = path.split('?')[0] ?? '/';
  if (p.startsWith('/cases/')) return <CasePage id={decodeURIComponent(p.slice('/cases/'.length))} />;
  switch (p) {
    case '/compose': return <ComposePage />;
    case '/approvals': return <ApprovalsPage />;
    case '/directory': return <DirectoryPage />;
    case '/checks': return <ChecksPage />;
    case '/peers': return <PeersPage />;
    case '/compliance': return <CompliancePage />;
    case '/report': return <ReportPage />;
    default: return <InboxPage />;
  }
}

function Shell({ session, onLogout }: { session: SessionInfo; onLogout(): void }) {
  const { lang, t } = useLang();
  const agreement = useApi<Agreement>('/agreement');
  const codebook = useApi<LabelledCodebook>(`/codebook?lang=${lang}`);
  const state: ConsoleState | null = useMemo(() => (agreement.data
    ? { session, agreement: agreement.data, codebook: codebook.data, logout: onLogout }
    : null), [session, agreement.data, codebook.data, onLogout]);
  if (!state) return <main id="main"><Loading error={agreement.error} /></main>;
  const me = agreement.data?.parties.find((p) => p.id === session.party);
  return (
    <ConsoleContext.Provider value={state}>
      <header className="top">
        <div className="brand">
          <strong>Parley</strong> <span>{partyName(me?.names, session.party, lang)}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul>{NAV.map(([to, key]) => <li key={to}><Link to={to}>{t(key)}</Link></li>)}</ul>
        </nav>
        <div className="who">
          <LanguageSwitch />
          <span className="user">{session.name} · {t(`role.${session.role}` as MessageKey)}</span>
          <button type="button" className="secondary" onClick={onLogout}>{t('logout')}</button>
        </div>
      </header>
      <main id="main"><Page /></main>
    </ConsoleContext.Provider>
  );
}

function Gate() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const { go } = useRoute();
  useEffect(() => {
    get<SessionInfo>('/session').then((s) => { useCsrf(s.csrf); setSession(s); }, (e: unknown) => {
      if (e instanceof ApiRefusal && e.status === 401) setSession(null);
      else setSession(null);
    });
  }, []);
  const onLogin = (s: SessionInfo) => {
    useCsrf(s.csrf);
    setSession(s);
    if (window.location.pathname === '/' || window.location.pathname === '/login') go('/inbox');
  };
  const onLogout = useMemo(() => () => {
    void api('DELETE', '/session').finally(() => { setSession(null); go('/login'); });
  }, [go]);
  if (session === undefined) return <main id="main"><Loading /></main>;
  if (session === null) return <main id="main"><LoginPage onLogin={onLogin} /></main>;
  return <Shell session={session} onLogout={onLogout} />;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang());
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const value = useMemo(() => ({
    lang, t: translator(lang),
    setLang: (l: Lang) => { localStorage.setItem('parley.lang', l); setLangState(l); },
  }), [lang]);
  useEffect(() => { document.title = value.t('title'); }, [value]);
  return (
    <LangContext.Provider value={value}>
      <Router><Gate /></Router>
    </LangContext.Provider>
  );
}

export { LanguageSwitch };
