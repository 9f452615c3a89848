import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply, Step } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, type Rig, startRig, USER } from '../helpers/rig.ts';

/** Runs /assess eks and returns the final text of all thread replies once the run shows a result. */
async function runAndCollect(rig: Rig, ...replies: Array<Reply>) {
  for (const r of replies) rig.harness.enqueue(r);
  const before = rig.slack.rootMessages(CHANNEL).length;
  await rig.slack.slashCommand({ command: '/assess', text: 'eks my-cluster', user: USER, channel: CHANNEL });
  const root = await rig.slack.waitFor(() => rig.slack.rootMessages(CHANNEL)[before], 5000, 'root');
  const done = /(Done|Failed|Ended early|Stopped) in/;
  await rig.slack.waitFor(
    () => rig.slack.replies(CHANNEL, root.ts).some((m) => done.test(JSON.stringify(m.blocks))),
    15_000,
    'a final reply',
  );
  const all = rig.slack
    .replies(CHANNEL, root.ts)
    .map((m) => JSON.stringify(m.blocks))
    .join('\n');
  return { root, all };
}

const partial = (text: string, ...tail: Step[]): Reply => ({
  steps: [{ event: 'messageStart', data: { role: 'assistant' } }, ...assistantText(text), ...tail],
});

describe('failures are explained in the thread, never as stack traces', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { HARNESS_IDLE_TIMEOUT_SECONDS: '1', HARNESS_THROTTLE_RETRIES: '2' } });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('access denied', async () => {
    const { all } = await runAndCollect(rig, {
      status: 403,
      errorType: 'AccessDeniedException',
      message: 'User is not authorized to perform: bedrock-agentcore:InvokeHarness',
    });
    expect(all).toContain('not allowed to call the AgentCore harness');
    expect(all).toContain('bedrock-agentcore:InvokeHarness');
    expect(all).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  it('harness not found', async () => {
    const { all } = await runAndCollect(rig, {
      status: 404,
      errorType: 'ResourceNotFoundException',
      message: 'Harness not found',
    });
    expect(all).toContain('harness was not found');
    expect(all).toContain('HARNESS_ARN');
  });

  it('throttling is retried, then explained if it persists', async () => {
    const throttle: Reply = { status: 429, errorType: 'ThrottlingException', message: 'Rate exceeded' };
    const ok = await runAndCollect(rig, throttle, answer('Got through after a retry.'));
    expect(ok.all).toContain('Got through after a retry.');
    expect(ok.all).toContain('Done in');
    const n = rig.harness.invocations.length;
    const bad = await runAndCollect(rig, throttle, throttle, throttle);
    expect(bad.all).toContain('throttling requests');
    expect(rig.harness.invocations.length - n).toBe(3);
  });

  it('a stream cut mid-way keeps what arrived and says how to continue', async () => {
    const { all } = await runAndCollect(
      rig,
      partial('The control plane looks healthy. Now checking', { delayMs: 50 }, { cut: true }),
    );
    expect(all).toContain('The control plane looks healthy. Now checking');
    expect(all).toContain('connection to the agent was cut');
    expect(all).toContain('Failed in');
  });

  it('an in-stream exception', async () => {
    const { all } = await runAndCollect(
      rig,
      partial('Partial findings.', {
        exception: 'internalServerException',
        data: { message: 'Something broke inside' },
      }),
    );
    expect(all).toContain('Partial findings.');
    expect(all).toContain('AgentCore had an internal error');
  });

  it('a stream that ends without a final messageStop', async () => {
    const { all } = await runAndCollect(rig, partial('Half an answer'));
    expect(all).toContain('Half an answer');
    expect(all).toContain('ended without a proper finish');
  });

  it('a run that hits its iteration limit', async () => {
    const { all } = await runAndCollect(
      rig,
      answer('Checked 20 of 39 items so far.', { stopReason: 'max_iterations_exceeded' }),
    );
    expect(all).toContain('Checked 20 of 39 items so far.');
    expect(all).toContain('step limit');
    expect(all).toContain('Ended early in');
  });

  it('an agent that goes silent trips the idle watchdog', async () => {
    const { all } = await runAndCollect(rig, partial('Running a long check', { hang: true }));
    expect(all).toContain('Running a long check');
    expect(all).toContain('went silent for too long');
  });
});
