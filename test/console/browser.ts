/**
 * Real Chromium for the console's end-to-end tests (Debian's, provisioned by test/support/chromium.ts), with axe-core
 * run inside each page and screenshots kept in test-output/console/.
 */
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, provisionChromium } from '../support/chromium.js';
import { tempDir } from '../support/temp.js';
import { consoleBuilt, defaultConsoleDir } from '../../src/console/console-pages.js';

export const SCREENSHOTS = resolve('test-output', 'console');
const DOC_IMAGES = resolve('docs', 'images');

/** The built console the nodes serve; a clear failure when it was not built. */
export function requireBuiltConsole(): string {
  const dir = defaultConsoleDir();
  if (!consoleBuilt(dir)) {
    assert.fail(`the console is not built at ${dir}: run \`npm run build\` (or \`npx vite build --config console/vite.config.ts --outDir ${dir}\`), or set PARLEY_CONSOLE_DIR`);
  }
  return dir;
}

/** A fresh profile in a fresh Chromium, headless. */
export async function launchConsoleBrowser(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const executablePath = provisionChromium();
  return chromium.launchPersistentContext(tempDir('parley-chromium-'), {
    executablePath, headless: true, args: chromiumArgs(), viewport, locale: 'en-GB', timezoneId: 'Europe/Moscow',
  });
}

/** Console messages that say the page's Content-Security-Policy refused something: there must be none. */
export function watchCsp(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  return refused;
}

const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }

/**
 * Runs axe-core in the page (through the DevTools protocol, which the page's CSP does not govern) and fails on any
 * serious or critical violation.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  const violations = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => (
    { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target) })))`) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${what}: accessibility violations ${JSON.stringify(serious, null, 1)}`);
}

/** The screenshots docs/console.md shows. */
const DOC_SHOTS = new Set(['login', 'inbox', 'case', 'case-ru', 'approvals', 'directory', 'peers', 'compliance', 'report', 'phone-inbox', 'phone-case']);

/**
 * A full-page screenshot in test-output/console/NAME.png; with PARLEY_DOC_IMAGES=1, those docs/console.md shows are
 * also copied to docs/images/console-NAME.png.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.PARLEY_DOC_IMAGES === '1' && DOC_SHOTS.has(name)) {
    mkdirSync(DOC_IMAGES, { recursive: true });
    copyFileSync(file, join(DOC_IMAGES, `console-${name}.png`));
  }
}
