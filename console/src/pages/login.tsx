/** Logging in: name, password, and the authenticator's code for accounts that have a second factor. */
import { useState, type FormEvent } from 'react';
import { api, ApiRefusal, type SessionInfo } from '../api.js';
import { useLang } from '../i18n/index.js';
import { LanguageSwitch } from '../app.js';
import { Notice } from '../widgets.js';

export function LoginPage({ onLogin }: { onLogin(s: SessionInfo): void }) {
  const { t } = useLang();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const { data } = await api<SessionInfo>('POST', '/session', { name, password, ...(code ? { code } : {}) });
      onLogin(data);
    } catch (err) {
      if (err instanceof ApiRefusal && err.rule === 'auth.code-needed') setNeedsCode(true);
      setError(err instanceof ApiRefusal ? t(`login.error.${err.rule === 'auth.rate-limited' ? 'limited' : err.rule === 'auth.code-needed' ? 'code' : 'wrong'}`) : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <h1>{t('login.title')}</h1>
      <LanguageSwitch />
      <form onSubmit={submit} className="card">
        <label>{t('login.name')}<input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>{t('login.password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {needsCode && <label>{t('login.code')}<input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" value={code} onChange={(e) => setCode(e.target.value)} /></label>}
        {error && <Notice kind="error">{error}</Notice>}
        <button type="submit" disabled={busy}>{t('login.submit')}</button>
      </form>
      <p className="hint">{t('login.hint')}</p>
    </div>
  );
}
