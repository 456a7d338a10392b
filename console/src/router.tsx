/** A small router over the history API: the node answers index.html for each of these paths (console-pages.ts). */
import { createContext, useContext, useEffect, useState, type MouseEvent, type ReactNode } from 'react';

const RouteContext = createContext<{ path: string; go(path: string): void }>({ path: '/', go: () => undefined });

export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname + window.location.search);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = (to: string) => {
    window.history.pushState(null, '', to);
    setPath(to);
    window.scrollTo(0, 0);
  };
  return <RouteContext.Provider value={{ path, go }}>{children}</RouteContext.Provider>;
}

export const useRoute = () => useContext(RouteContext);

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const { go, path } = useRoute();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    go(to);
  };
  const current = path.split('?')[0] === to;
  return <a href={to} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>{children}</a>;
}
