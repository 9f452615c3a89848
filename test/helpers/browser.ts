/**
 * Finds and starts a headless Chromium for the browser tests, with no set-up beyond `npm install`.
 *
 * Order of preference:
 * 1. `CHROMIUM_PATH`, when a developer points at a browser of their own.
 * 2. `@sparticuz/chromium` (a devDependency): a headless Chromium shipped inside the npm package, so a
 *    fresh clone needs nothing from the operating system. It exists for Linux x64 only.
 * 3. A Chromium or Chrome already installed in the usual place for this platform (Linux arm64, macOS,
 *    Windows, or a Linux machine where the packaged one cannot start).
 *
 * Each candidate is really launched; the first that starts wins. When none does, the error names every
 * candidate tried and why it failed, and what to do.
 */
import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { type Browser, chromium } from 'playwright-core';

/** Flags for headless use as root on a machine with no network beyond loopback. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SYSTEM_BROWSERS: Record<string, string[]> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ],
};

interface Candidate {
  label: string;
  resolve(): Promise<{ executablePath: string; args: string[] }>;
}

function candidates(explicit: string | undefined): Candidate[] {
  const list: Candidate[] = [];
  if (explicit) {
    list.push({
      label: `CHROMIUM_PATH=${explicit}`,
      async resolve() {
        if (!existsSync(explicit)) throw new Error('no such file');
        return { executablePath: explicit, args: FLAGS };
      },
    });
  }
  if (platform() === 'linux' && arch() === 'x64') {
    list.push({
      label: '@sparticuz/chromium (from npm install)',
      async resolve() {
        const { default: packaged } = await import('@sparticuz/chromium');
        // The package unpacks its browser (and the shared libraries it needs) into the temp
        // directory on first use, then reuses it.
        const executablePath = await packaged.executablePath();
        return { executablePath, args: [...packaged.args, ...FLAGS] };
      },
    });
  }
  for (const path of SYSTEM_BROWSERS[platform()] ?? []) {
    list.push({
      label: path,
      async resolve() {
        if (!existsSync(path)) throw new Error('not installed');
        return { executablePath: path, args: FLAGS };
      },
    });
  }
  return list;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** Which candidate started, for the test log. */
  source: string;
}

export async function launchChromium(explicit?: string): Promise<LaunchedBrowser> {
  const failures: string[] = [];
  for (const candidate of candidates(explicit)) {
    try {
      const { executablePath, args } = await candidate.resolve();
      const browser = await chromium.launch({ executablePath, args, timeout: 60_000 });
      return { browser, source: candidate.label };
    } catch (err) {
      failures.push(`- ${candidate.label}: ${firstLine(err)}`);
    }
  }
  throw new Error(
    [
      'No headless Chromium could be started for the sandbox browser test. Tried:',
      ...(failures.length > 0 ? failures : [`- nothing for ${platform()}/${arch()}`]),
      'What to do: run `npm install` (it brings @sparticuz/chromium on Linux x64), or install Chrome or',
      'Chromium and set CHROMIUM_PATH to its executable. SANDBOX_BROWSER_TEST=skip skips this test explicitly.',
    ].join('\n'),
  );
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
