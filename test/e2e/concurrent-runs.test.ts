/**
 * Many runs at once: every run's agent stream is open at the same time. Each stream holds one HTTP
 * connection to AgentCore for as long as the agent works, so a connection pool smaller than the
 * number of runs would make the later runs wait, silently, for earlier ones to finish (the AWS SDK's
 * default pool is 50 connections per client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 60;

describe('concurrent runs', () => {
  let rig: Rig;
  beforeAll(async () => {
    // Every agent is busy and silent until its session is stopped: no stream ends on its own.
    rig = await startRig({
      // This file is about starting; at the end its 60 hung runs need no grace period before they are interrupted.
      env: { SHUTDOWN_GRACE_SECONDS: '1' },
      harness: { defaultScenario: () => ({ steps: [{ hang: true }] }) },
    });
    // One run per channel: Slack allows about one new message a second per channel.
    for (let i = 0; i < RUNS; i++)
      rig.slack.addChannel({ id: `C0MANY${i}`, name: `many-${i}`, members: [USER, rig.slack.botUserId] });
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it(`${RUNS} runs started together all reach the agent while all are still running`, async () => {
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        rig.slack.slashCommand({
          command: '/assess',
          text: `eks many-${i}`,
          user: USER,
          channel: `C0MANY${i}`,
        }),
      ),
    );
    // Invocations over the harness's rate (25 a second) are throttled and retried by the bot, so
    // what counts is how many runs have an open stream at once.
    const open = () =>
      new Set(rig.harness.invocations.filter((i) => i.endedAt === undefined).map((i) => i.sessionId)).size;
    const deadline = Date.now() + 60_000;
    while (open() < RUNS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(open()).toBe(RUNS);
  }, 90_000);
});
