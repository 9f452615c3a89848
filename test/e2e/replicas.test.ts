/**
 * Two replicas of the bot behind one Slack request URL, sharing one DynamoDB (dynalite) and the
 * stand-ins: replica A is a real `npm start` child process (so it can be killed), replica B runs
 * in this process. Deliveries are spread across them as a load balancer would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.ts';
import type { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { type HarnessEmulator, type Reply, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText } from '../../src/stand-ins/scenarios.ts';
import { documentedArgs } from '../contract/slack-spec.ts';
import { freePort, type NpmStart, npmStart } from '../helpers/processes.ts';
import { type SharedStand, startReplicas, startSharedStand } from '../helpers/replicas.ts';
import { CHANNEL, OTHER_USER, USER } from '../helpers/rig.ts';

const LEASE_SECONDS = '2';

/** A slow answer: text trickles in for about `seconds`. */
function slow(text: string, seconds: number): Reply {
  const chunk = Math.max(1, Math.ceil(text.length / ((seconds * 1000) / 50)));
  return answer(text, { chunk, delayMs: 50 });
}

/** An answer that starts, then goes quiet (the agent is busy in a long tool call). */
function busy(text: string): Reply {
  return {
    steps: [{ event: 'messageStart', data: { role: 'assistant' } }, ...assistantText(text), { hang: true }],
  };
}

describe('two replicas sharing one store', () => {
  let stand: SharedStand;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  let b: RunningBot | undefined;
  let a: NpmStart & { url: string };
  const shared = {
    LEASE_SECONDS,
    DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
    HARNESS_IDLE_TIMEOUT_SECONDS: '120',
  };

  beforeAll(async () => {
    stand = await startSharedStand();
    ({ slack, harness } = stand);

    const portA = await freePort();
    a = {
      ...npmStart({
        ...stand.settings({ ...shared, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' }),
        PORT: String(portA),
        ...stand.awsEnv,
      }),
      url: `http://127.0.0.1:${portA}/slack/events`,
    };
    // Replica B starts in this process while A boots.
    [[b]] = await Promise.all([
      startReplicas(stand, shared, 1, [a.url]),
      waitForHttp(`http://127.0.0.1:${portA}/healthz`, () => a.output()),
    ]);
  }, 60_000);

  afterAll(async () => {
    a?.signal('SIGKILL');
    await b?.stop(0);
    await stand?.close();
  });

  async function command(text: string, pin?: number) {
    slack.pinned = pin;
    const before = slack.rootMessages(CHANNEL).length;
    await slack.slashCommand({ command: '/assess', text, user: USER, channel: CHANNEL });
    slack.pinned = undefined;
    return slack.waitFor(() => slack.rootMessages(CHANNEL)[before], 5000, 'root message');
  }

  const done = (ts: string, n = 1) =>
    slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, ts)
          .filter((m) => /(Done|Stopped|Failed) in/.test(JSON.stringify(m.blocks ?? []))).length >= n,
      30_000,
      `${n} finished turn(s)`,
    );

  it('a retry storm of concurrent follow-ups runs each message exactly once, one at a time, across replicas', async () => {
    harness.enqueue(answer('First answer.'));
    const thread = await command('eks storm-cluster');
    await done(thread.ts);
    const start = harness.invocations.length;
    const questions = ['q1 nodes?', 'q2 pods?', 'q3 cost?', 'q4 upgrades?'];
    for (let i = 0; i < questions.length; i++)
      harness.enqueue((inv) => slow(`Answer to ${userText(inv)}`, 0.6));
    await Promise.all(
      questions.map((q, i) =>
        slack.userMessage({
          user: i % 2 ? OTHER_USER : USER,
          channel: CHANNEL,
          // Half of them mention the bot: Slack then sends both message and app_mention.
          text: i % 2 ? `<@${slack.botUserId}> ${q}` : q,
          threadTs: thread.ts,
          retries: 2,
        }),
      ),
    );
    await done(thread.ts, 1 + questions.length);
    await new Promise((r) => setTimeout(r, 500));
    const asked = harness.invocations.slice(start).map((i) => userText(i));
    expect(asked.sort()).toEqual(questions.sort());
    expect(harness.maxConcurrentPerSession).toBe(1);
    const followUps = harness.invocations.slice(start).sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < followUps.length; i++)
      expect(followUps[i]!.startedAt).toBeGreaterThanOrEqual(followUps[i - 1]!.endedAt!);
  }, 60_000);

  it('Stop clicked on one replica stops a run streaming on the other', async () => {
    harness.enqueue(busy('Starting a long scan of every namespace…'));
    const thread = await command('eks stop-cluster', 0);
    const reply = await slack.waitFor(
      () =>
        slack.replies(CHANNEL, thread.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the Stop button',
    );
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((bl) => bl.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    slack.pinned = 1;
    await slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    slack.pinned = undefined;
    await slack.waitFor(
      () => JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks).includes('Stopped by'),
      15_000,
      'stopped',
    );
    expect(JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks)).toContain(`<@${USER}>`);
    expect(JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks)).not.toContain('stop_run');
    const inv = harness.invocations.at(-1)!;
    await slack.waitFor(() => harness.stoppedSessions.includes(inv.sessionId), 5000, 'StopRuntimeSession');
  }, 30_000);

  it('a replica killed mid-run leaves the thread informed, and Retry on the other replica finishes it', async () => {
    harness.enqueue(busy('Collecting node metrics…'));
    const thread = await command('eks crash-cluster', 0);
    await slack.waitFor(
      () => harness.invocations.some((i) => i.endedAt === undefined),
      10_000,
      'the run to start',
    );
    const working = await slack.waitFor(
      () =>
        slack.replies(CHANNEL, thread.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the Stop button on the working reply',
    );
    a.signal('SIGKILL');
    await a.exit;
    // What the dead replica last wrote on its reply.
    const lastShown = (slack.message(CHANNEL, working.ts)!.blocks ?? []) as Array<{ type: string }>;
    const notice = await slack.waitFor(
      () =>
        slack.replies(CHANNEL, thread.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('retry_run')),
      15_000,
      'the interruption notice',
    );
    expect(notice.text).toContain('interrupted');
    // The replica that reaped the run took the dead run's Stop button away; its text stays.
    await slack.waitFor(
      () => !JSON.stringify(slack.message(CHANNEL, working.ts)!.blocks ?? []).includes('stop_run'),
      5_000,
      'the Stop button to be removed',
    );
    const after = slack.message(CHANNEL, working.ts)!.blocks as Array<{ type: string }>;
    expect(after.slice(0, -1)).toEqual(lastShown.filter((b) => b.type !== 'actions'));
    expect(JSON.stringify(after.at(-1))).toContain('Interrupted');
    // Read with conversations.replies, using only arguments Slack documents for it.
    const reads = slack.callsTo('conversations.replies');
    expect(reads.length).toBeGreaterThan(0);
    const known = documentedArgs().get('conversations.replies')!.known;
    for (const r of reads)
      for (const k of Object.keys(r.params)) if (k !== 'token') expect(known).toContain(k);
    harness.enqueue((inv) => answer(`Retried: ${userText(inv).slice(0, 40)}`));
    const value = (notice.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((bl) => bl.elements ?? [])
      .find((e) => e.action_id === 'retry_run')!.value!;
    await slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: 'retry_run',
      value,
    });
    await slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, thread.ts)
          .some((m) => m.text.startsWith('Retried:') && /Done in/.test(JSON.stringify(m.blocks))),
      15_000,
      'the retried run',
    );
    expect(userText(harness.invocations.at(-1)!)).toContain('crash-cluster');
  }, 40_000);
});

async function waitForHttp(url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`replica did not come up:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
