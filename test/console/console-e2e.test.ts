/**
 * The console end to end, as the "done when" asks: real Chromium against two running nodes (Avalon and
 * Borduria, pinned mutual TLS on loopback). Avalon's people use the console; Borduria acts through its API.
 * Log in, receive a notification, acknowledge it, request information, see Borduria's response arrive, escalate
 * with a second person's approval, switch language, open the annual review report — at 1280×800 and on a phone,
 * with axe-core on every page and screenshots in test-output/console/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningNode } from '../../src/node/run-node.js';
import { AccountStore } from '../../src/storage/account-store.js';
import { createAccount } from '../../src/console/accounts.js';
import type { ApiClient } from '../../src/cli/api-client.js';
import { clientOf, runAvalonAndBorduria } from '../api/running-nodes.js';
import { assertAccessible, launchConsoleBrowser, requireBuiltConsole, screenshot, watchCsp } from './browser.js';

const CASE = 'borduria:2026-e2e';
const PASSWORD = { ann: 'ann-correct-horse-1', boris: 'boris-correct-horse-2', clara: 'clara-correct-horse-3' };
const WAIT = { timeout: 30_000 };

let avalon: RunningNode;
let borduriaApi: ApiClient;
let browser: BrowserContext;
let page: Page;
let cspRefusals: string[];

before(async () => {
  requireBuiltConsole();
  const [a, b] = await runAvalonAndBorduria({ scheduler: false });
  avalon = a;
  borduriaApi = await clientOf(b, 'duty-officer');
  const accounts = await AccountStore.open(avalon.node.store.database);
  await createAccount(accounts, 'ann', 'duty-officer', { password: PASSWORD.ann });
  await createAccount(accounts, 'boris', 'approver', { password: PASSWORD.boris });
  await createAccount(accounts, 'clara', 'approver', { password: PASSWORD.clara });
  browser = await launchConsoleBrowser({ width: 1280, height: 800 });
  page = browser.pages()[0] ?? await browser.newPage();
  cspRefusals = watchCsp(page);
});
after(async () => { await browser?.close(); });

async function login(name: keyof typeof PASSWORD): Promise<void> {
  await page.goto(`${avalon.apiUrl}/login`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD[name]);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor(WAIT);
}

async function logout(): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in to the Parley console' }).waitFor(WAIT);
}

async function openCase(): Promise<void> {
  await page.getByRole('link', { name: CASE }).first().click();
  await page.getByRole('heading', { name: `Case ${CASE}` }).waitFor(WAIT);
}

describe('the console, end to end at 1280×800', () => {
  test('the login page refuses a wrong password and is accessible', async () => {
    await page.goto(`${avalon.apiUrl}/`);
    await page.getByRole('heading', { name: 'Log in to the Parley console' }).waitFor(WAIT);
    await assertAccessible(page, 'login');
    await screenshot(page, 'login');
    await page.getByLabel('Name').fill('ann');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The name, the password or the code is wrong.' }).waitFor(WAIT);
  });

  test('a duty officer logs in and receives Borduria\'s notification in the inbox, with its countdown', async () => {
    await login('ann');
    await borduriaApi.post('/api/v1/statements', {
      type: 'notification', case: CASE, to: ['avalon'],
      body: { category: 'availability.ddos', severity: 'high', summary: 'DDoS на портал избирательной комиссии из ваших сетей', actions: ['investigate', 'block-source'], language: 'ru' },
    });
    const row = page.locator(`tr[data-case="${CASE}"]`);
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /Denial of service|DDoS/i, 'the category in the reader\'s language');
    assert.match(await row.innerText(), /left/, 'a countdown to the acknowledgement deadline');
    await page.getByRole('heading', { name: 'Due next from us' }).waitFor();
    await assertAccessible(page, 'inbox');
    await screenshot(page, 'inbox');
  });

  test('the duty officer acknowledges it and requests information; the case shows what was verified', async () => {
    await openCase();
    const timeline = page.locator('.timeline');
    await timeline.getByText('signature verified:').first().waitFor(WAIT);
    assert.match(await timeline.innerText(), /at index 0 of the log of/);
    assert.match(await timeline.innerText(), /DDoS на портал избирательной комиссии/, 'free text as written');
    await page.locator('[data-action="acknowledge"]').click();
    await page.getByLabel('Note').fill('Investigating; blocking the sources.');
    await page.locator('[data-submit="acknowledge"]').click();
    await page.getByText(/Signed and sent: index \d+ of our log\./).waitFor(WAIT);
    await page.locator('[data-testid="case-status"]', { hasText: 'acknowledged' }).waitFor(WAIT);

    await page.locator('[data-action="request-information"]').click();
    await page.locator('select[name="code"]').selectOption('medium');
    await page.getByLabel('Questions (one per line)').fill('Which addresses?\nSince when?');
    await page.locator('[data-submit="request-information"]').click();
    await page.getByText(/Signed and sent/).waitFor(WAIT);
    await page.locator('li.entry[data-type="request-for-information"]').waitFor(WAIT);
    await page.locator('li.entry[data-author="avalon"] .verification').getByText('signed receipt from').first().waitFor(WAIT);
    await assertAccessible(page, 'case');
  });

  test('Borduria\'s response arrives in the open case without reloading', async () => {
    await borduriaApi.post(`/api/v1/cases/${CASE}/respond`, { outcome: 'information-provided', text: 'Адреса: 198.51.100.0/24, с 02:40 UTC.', language: 'ru' });
    const response = page.locator('li.entry[data-type="response"][data-author="borduria"]');
    await response.waitFor(WAIT);
    assert.match(await response.innerText(), /Information provided/, 'the outcome code in English');
    assert.match(await response.innerText(), /Адреса: 198\.51\.100\.0\/24/, 'the free text as written, in Russian');
    await screenshot(page, 'case');
  });

  test('an approver escalates; it leaves only when a second approver approves it', async () => {
    await logout();
    await login('boris');
    await openCase();
    await page.locator('[data-action="escalate"]').click();
    await page.locator('select[name="code"]').selectOption('response-unsatisfactory');
    await page.locator('[data-submit="escalate"]').click();
    await page.getByText(/Kept for approval \(#\d+\)/).waitFor(WAIT);
    assert.equal(await page.locator('[data-testid="case-tier"]').innerText(), 'technical', 'nothing left yet');
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByText('You proposed this draft: another approver must approve it.').waitFor(WAIT);
    await logout();

    await login('clara');
    await page.getByRole('link', { name: 'Approvals' }).click();
    const approve = page.getByRole('button', { name: 'Approve and send' });
    await approve.waitFor(WAIT);
    await assertAccessible(page, 'approvals');
    await screenshot(page, 'approvals');
    await approve.click();
    await page.getByRole('cell', { name: /approved · clara/ }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Inbox' }).click();
    await openCase();
    await page.locator('[data-testid="case-tier"]', { hasText: 'diplomatic' }).waitFor(WAIT);
    await page.locator('li.entry[data-type="escalation"]').waitFor(WAIT);
  });

  test('the language switch turns every string and the codebook into Russian, then Vietnamese', async () => {
    await page.getByTestId('language').selectOption('ru');
    await page.getByRole('heading', { name: `Дело ${CASE}` }).waitFor(WAIT);
    await page.locator('[data-testid="case-tier"]', { hasText: 'дипломатический' }).waitFor(WAIT);
    await page.locator('li.entry[data-type="response"]').getByText('Информация предоставлена').waitFor(WAIT);
    assert.equal(await page.evaluate('document.documentElement.lang'), 'ru');
    await assertAccessible(page, 'case in Russian');
    await screenshot(page, 'case-ru');
    await page.getByTestId('language').selectOption('vi');
    await page.getByRole('link', { name: 'Hộp thư đến' }).waitFor(WAIT);
    await page.locator(`tr[data-case="${CASE}"]`).count();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('link', { name: 'Inbox' }).waitFor(WAIT);
  });

  test('the directory, peers and compliance pages show the channel, accessibly', async () => {
    for (const [link, heading, name] of [['Directory', 'Points of contact', 'directory'], ['Peers', 'Peers', 'peers'], ['Compliance', 'Compliance', 'compliance'], ['Communication checks', 'Communication checks', 'checks']] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor(WAIT);
      await assertAccessible(page, name);
      await screenshot(page, name);
    }
    assert.match(await page.content(), /without its scheduler/, 'checks say why there are none');
    await page.getByRole('link', { name: 'Peers', exact: true }).click();
    await page.getByText('✓ verified').waitFor(WAIT);
  });

  test('the annual review report opens as a printable page', async () => {
    await page.getByRole('link', { name: 'Annual review' }).click();
    await page.getByRole('heading', { name: 'Annual review report' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Print / save as PDF' }).waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'printing drops the navigation');
    await screenshot(page, 'report-print');
    await page.emulateMedia({ media: 'screen' });
    await assertAccessible(page, 'report');
    await screenshot(page, 'report');
  });
});

describe('the console on a phone (390×844)', () => {
  test('inbox, case, approvals and report fit and stay accessible', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, heading, name] of [['/inbox', 'Inbox', 'phone-inbox'], [`/cases/${CASE}`, `Case ${CASE}`, 'phone-case'], ['/compose', 'New notification', 'phone-compose'], ['/report', 'Annual review report', 'phone-report']] as const) {
      await page.goto(`${avalon.apiUrl}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor(WAIT);
      await screenshot(page, name);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number;
      assert.ok(overflow <= 1, `${name}: the page is ${overflow}px wider than the phone`);
      await assertAccessible(page, name);
    }
  });

  test('no page broke its Content-Security-Policy', () => {
    assert.deepEqual(cspRefusals, []);
  });
});
