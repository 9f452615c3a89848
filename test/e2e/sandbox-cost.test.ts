/**
 * The sandbox shows one harness per function: `/cost` (listed in the Try list) runs on the sandbox's
 * cost harness, whose agent reads billing data through the billing Gateway tools, and its thread's
 * follow-ups stay there; the default harness sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src/config.ts';
import { tries } from '../../src/sandbox/page-state.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';

const CHANNEL = 'C0GENERAL';
const USER = 'U0ALICE01';

describe('the sandbox’s /cost example', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox(
      loadSandboxConfig({ SANDBOX_PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      { timeScale: 0.05 },
    );
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('is in the Try list', () => {
    expect(tries(true).map((t) => t.text)).toContain('/cost ec2 3m');
  });

  it('answers on the cost harness through the billing Gateway tools, follow-ups included', async () => {
    const slack = sandbox.slack;
    const before = slack.rootMessages(CHANNEL).length;
    await slack.slashCommand({ command: '/cost', text: 'ec2 3m', user: USER, channel: CHANNEL });
    const root = await slack.waitFor(() => slack.rootMessages(CHANNEL)[before], 10_000, 'root');
    const done = () =>
      slack.replies(CHANNEL, root.ts).filter((m) => /Done in/.test(JSON.stringify(m.blocks))).length;
    await slack.waitFor(() => done() >= 1, 30_000, 'the cost report');
    const thread = () =>
      slack
        .replies(CHANNEL, root.ts)
        .map((m) => `${m.text} ${JSON.stringify(m.blocks)}`)
        .join('\n');
    expect(thread()).toContain('Cost of ec2, period 3m');
    expect(thread()).toContain('billing');
    expect(sandbox.harness?.invocations ?? []).toHaveLength(0);

    await slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'What about NAT gateway data?',
      threadTs: root.ts,
    });
    await slack.waitFor(() => done() >= 2, 30_000, 'the follow-up answer');
    expect(thread()).toContain('gateway endpoint for S3');
    expect(sandbox.harness?.invocations ?? []).toHaveLength(0);
  }, 60_000);
});
