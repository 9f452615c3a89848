/**
 * The README's promise: `npm install`, then `npm test` (or `npm start`), is the whole set-up. CI must
 * run exactly that, so a missing install step shows up in CI instead of on a new user's machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('set-up', () => {
  it('CI runs the README commands and nothing else', () => {
    const commands = read('.ci/run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .filter((line) => !/^set -|^cd "\$\(dirname/.test(line));
    expect(commands).toEqual(['npm install', 'npm test']);
  });

  it('the README quick start is npm install then npm start', () => {
    const quickStart = read('README.md').split('## Quick start')[1] ?? '';
    expect(quickStart).toMatch(/```bash\nnpm install\nnpm start\n```/);
  });

  it('the browser and the emoji font the browser test needs come from npm', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['@sparticuz/chromium', 'playwright-core', 'twemoji-colr-font', 'node']),
    );
  });
});
