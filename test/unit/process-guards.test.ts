/** The process-wide handler: a stray rejection is logged and the process keeps running. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('process guards', () => {
  it('an unhandled rejection (even of null) is logged and the process keeps serving', () => {
    const script = [
      "import { installProcessGuards } from './src/process-guards.ts';",
      "import { createLogger } from './src/log.ts';",
      "installProcessGuards(createLogger('info'));",
      'Promise.reject(null);',
      "Promise.reject(new Error('boom'));",
      "setTimeout(() => console.log('still serving'), 200);",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('still serving');
    const logged = run.stdout.split('\n').filter((l) => l.includes('unhandled promise rejection'));
    expect(logged).toHaveLength(2);
    expect(logged.join('\n')).toContain('boom');
  });
});
