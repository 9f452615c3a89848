/**
 * STREAM_MODE=native in the sandbox: what the page is sent for the streamed reply shows the agent's
 * tool activity (the stream's task updates) before any text, then the text filling in while the
 * stream is still open, not a blank message until the end.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src/config.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { type MessageView, Timeline, type Update } from '../../src/sandbox/timeline.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  const settings = loadSandboxConfig({
    SANDBOX_PORT: '0',
    LOG_LEVEL: 'silent',
    STREAM_MODE: 'native',
    STREAM_EDIT_INTERVAL_MS: '200',
  });
  sandbox = await startSandbox(settings, { timeScale: 0.25 });
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
});

it('shows tool activity, then the text filling in, while the native stream is open', async () => {
  const timeline = new Timeline(sandbox.slack);
  const seen: MessageView[] = [];
  timeline.on('update', (u: Update) => {
    if (u.kind === 'message' && u.message.bot && u.message.threadTs && u.message.threadTs !== u.message.ts)
      seen.push(u.message);
  });
  await sandbox.slack.slashCommand({
    command: '/assess',
    text: 'eks my-cluster us-west-2',
    user: 'U0ALICE01',
    channel: 'C0GENERAL',
  });
  await sandbox.slack.waitFor(
    () => seen.some((m) => !m.streaming && m.text.includes('Ask me in this thread')),
    30_000,
    'the finished answer',
  );
  timeline.close();
  const activityOnly = seen.filter((m) => m.tasks?.some((t) => t.status === 'in_progress') && !m.text);
  expect(activityOnly.flatMap((m) => m.tasks!.map((t) => t.title)).join('\n')).toMatch(
    /aws eks describe-cluster/,
  );
  const partial = seen.filter((m) => m.streaming && m.text.length > 0);
  expect(partial.length).toBeGreaterThan(1);
  expect(new Set(partial.map((m) => m.text.length)).size).toBeGreaterThan(1);
}, 60_000);
