/**
 * The console's build: React through Vite into dist/console (beside the compiled node, which serves it). No inline
 * script or style ends up in the page, so the node's Content-Security-Policy needs no 'unsafe-inline'.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    // dist/console also holds the compiled i18n dictionaries the tests read; `npm run build` empties dist first.
    emptyOutDir: false,
    assetsInlineLimit: 0,
    sourcemap: true,
    // No modulepreload polyfill: it would be an inline script, which the CSP refuses.
    modulePreload: { polyfill: false },
  },
});
