/**
 * The sandbox page in a headless Chromium (playwright-core), shared by the browser tests of each
 * surface: the sandbox runs in-process (fake Slack, harness emulator with the demo runs, the real
 * bot), and a test acts only through the page, as a person would. Screenshots go to test-artifacts/.
 *
 * The browser comes from `npm install` (@sparticuz/chromium on Linux x64) or from the machine
 * (test/helpers/browser.ts). If none can start, the test fails and says what to do; it is skipped only
 * when asked to, with SANDBOX_BROWSER_TEST=skip.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadSandboxConfig } from '../../src/config.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { launchChromium } from './browser.ts';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
export const skipBrowser = process.env.SANDBOX_BROWSER_TEST === 'skip';

export interface SandboxPage {
  sandbox: Sandbox;
  browser: Browser;
  page: Page;
  /** Saves a screenshot of the page as test-artifacts/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openSandboxPage(
  env: Record<string, string> = {},
  opts: { timeScale?: number } = {},
): Promise<SandboxPage> {
  const settings = loadSandboxConfig({
    SANDBOX_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    STREAM_EDIT_INTERVAL_MS: '200',
    ...env,
  });
  const sandbox = await startSandbox(settings, { timeScale: opts.timeScale ?? 0.25 });
  const launched = await launchChromium(process.env.CHROMIUM_PATH);
  console.info(`sandbox browser test: using ${launched.source}`);
  const page = await launched.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(sandbox.url);
  return {
    sandbox,
    browser: launched.browser,
    page,
    async shot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    async close() {
      await launched.browser.close();
      await sandbox.stop();
    },
  };
}
