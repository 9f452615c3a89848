/**
 * A burst of runs bigger than what the harness admits in a second (AgentCore throttles InvokeHarness
 * per harness) is paced by the bot, so every run reaches the agent. Retrying throttled starts alone
 * gave up after a few seconds: in the 1,000-run scale case 558 runs never reached the agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 20;

describe('a burst of runs above the harness admission rate', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      // The harness admits 2 starts a second; 20 runs take 10 s to admit, longer than the 3 retries wait.
      env: { HARNESS_STARTS_PER_SECOND: '2', SHUTDOWN_GRACE_SECONDS: '1' },
      harness: { maxInvocationsPerSecond: 2 },
    });
    for (let i = 0; i < RUNS; i++)
      rig.slack.addChannel({ id: `C0PACE${i}`, name: `pace-${i}`, members: [USER, rig.slack.botUserId] });
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it('every run reaches the agent, with next to no throttled starts', async () => {
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        rig.slack.slashCommand({
          command: '/assess',
          text: `eks pace-${i}`,
          user: USER,
          channel: `C0PACE${i}`,
        }),
      ),
    );
    const started = () =>
      new Set(rig.harness.invocations.filter((i) => i.status === 200).map((i) => i.sessionId)).size;
    const deadline = Date.now() + 45_000;
    while (started() < RUNS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(started()).toBe(RUNS);
    // Paced, a start is throttled only when it reaches the harness late enough to crowd the next second
    // (a loaded machine); unpaced, the 18 runs that were not admitted at once were each throttled 4 times.
    expect(rig.harness.invocations.filter((i) => i.status === 429).length).toBeLessThan(RUNS / 4);
  }, 60_000);
});
