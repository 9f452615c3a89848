/**
 * `npm run feedback -- --since 7d --json` reads the verdicts the bot stored (here: an embedded store
 * under DATA_DIR, written the way the bot writes them) and prints them per skill.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CREDENTIALS, startEmbeddedDynamo } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoFeedbackStore } from '../../src/adapters/feedback-store.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'feedback-export-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'feedback', '--', ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: dataDir,
      AWS_REGION: 'us-east-1',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run feedback', () => {
  it('prints the stored verdicts of the period as JSON, per skill, worst first', async () => {
    const db = await startEmbeddedDynamo(dataDir, 'us-east-1');
    const store = new DynamoSessionStore({
      table: db.table,
      region: 'us-east-1',
      ttlDays: 30,
      endpoint: db.endpoint,
      credentials: EMBEDDED_CREDENTIALS,
    });
    const fb = new DynamoFeedbackStore(store.doc, db.table);
    const base = {
      teamId: 'T1',
      channel: 'C1',
      threadTs: '1.1',
      routeId: 'r',
      runtimeSessionId: 's'.repeat(40),
    };
    const now = Date.now();
    await fb.record({
      ...base,
      turnTs: '1.2',
      skill: 'app-service-log-analysis',
      user: 'U1',
      verdict: 'bad',
      at: now,
    });
    // The same person changing their mind on the same answer counts once, as the latest verdict.
    await fb.record({
      ...base,
      turnTs: '1.3',
      skill: 'aws-best-practice-research',
      user: 'U1',
      verdict: 'bad',
      at: now,
    });
    await fb.record({
      ...base,
      turnTs: '1.3',
      skill: 'aws-best-practice-research',
      user: 'U1',
      verdict: 'good',
      at: now + 1,
    });
    // Older than the period: left out.
    await fb.record({
      ...base,
      turnTs: '1.4',
      skill: 'old',
      user: 'U2',
      verdict: 'bad',
      at: now - 9 * 86_400_000,
    });
    await db.close();

    const out = run(['--since', '7d', '--json']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.skills).toEqual([
      { skill: 'app-service-log-analysis', good: 0, bad: 1, badRatio: 1 },
      { skill: 'aws-best-practice-research', good: 1, bad: 0, badRatio: 0 },
    ]);
    expect(json.items).toHaveLength(2);

    const bad = run(['--since', 'a week']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since must look like 7d');
  }, 90_000);
});
