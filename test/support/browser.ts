/**
 * Real-browser tests: Debian's Chromium driven by playwright-core. Each page opened here records its
 * console errors and Content-Security-Policy violations; axe-core scans for accessibility problems;
 * screenshots go to test-results/screenshots (git-ignored).
 *
 * Without Chromium a suite is skipped locally, with a message; with CI=true it fails.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_DB } from './test-database.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const IN_CI = process.env.CI === 'true';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);

/**
 * `describe` for a browser suite: once per run (on SQLite; what a browser sees does not depend on the
 * database), skipped with a message where there is no Chromium, failing under CI.
 */
export function describeInBrowser(suite: string): jest.Describe {
  const runHere = TEST_DB === 'sqlite';
  if (runHere && !HAVE_CHROMIUM && !IN_CI) {
    console.warn(
      `${suite}: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI=true this fails`,
    );
  }
  return runHere && (HAVE_CHROMIUM || IN_CI) ? describe : describe.skip;
}

export async function launchBrowser(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

export interface Problems {
  /** Content-Security-Policy violations the page reported. */
  violations: { directive: string; blockedURI: string }[];
  /** Console messages of level error, and uncaught exceptions. */
  errors: string[];
}

/** A new page (its own context: its own storage) that records its console errors and CSP violations. */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: Problems }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: Problems = { violations: [], errors: [] };
  page.on('console', (message) => {
    // Answers the console turns into sentences (a wrong password, a short balance, a taken address, a rate limit):
    // Chromium logs every non-2xx fetch, but these are the API speaking, not the page failing.
    if (/Failed to load resource: the server responded with a status of (401|402|409|429)\b/.test(message.text())) return;
    if (message.type() === 'error' || /content security policy/i.test(message.text())) problems.errors.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(`uncaught: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (violation: Problems['violations'][number]) => problems.violations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { reportCspViolation(v: unknown): void }).reportCspViolation({
        directive: event.effectiveDirective,
        blockedURI: event.blockedURI,
      });
    });
  });
  return { page, problems };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules), one
 * line each. The script is evaluated through the DevTools protocol, which the page's policy does not govern.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact as string,
      help: v.help as string,
      targets: v.nodes.map((n: any) => String(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.slice(0, 3).join(', ')})`);
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/** A page is done when it has no problem of any kind (CSP, console, serious accessibility findings); its screenshot is kept. */
export async function expectClean(page: Page, problems: Problems, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect({ name, ...problems, accessibility: await accessibilityProblems(page) }).toEqual({
    name,
    violations: [],
    errors: [],
    accessibility: [],
  });
}

/** A new page signed in through the console's own form, showing the overview. */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ page: Page; problems: Problems }> {
  const opened = await openPage(browser);
  await opened.page.goto(`${baseUrl}/sign-in`);
  await opened.page.getByLabel('Email').fill(email);
  await opened.page.getByLabel('Password').fill(password);
  await opened.page.getByRole('button', { name: 'Sign in' }).click();
  await opened.page.getByRole('heading', { name: 'Overview' }).waitFor();
  return opened;
}

/** A count of tokens as the console words it (en-US): "1 token", "1,500 tokens". */
export const tokensText = (count: number): string => (count === 1 ? '1 token' : `${count.toLocaleString('en-US')} tokens`);
