/**
 * The agent's session as AgentCore runs it: the agent keeps working when the bot stops listening,
 * until StopRuntimeSession ends it; an idle session is recycled and forgets its conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply, Step } from '../../src/stand-ins/harness-emulator.ts';
import { assistantText, recallingAgent } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const opening: Step[] = [{ event: 'messageStart', data: { role: 'assistant' } }];

/** Text, a long silent step, then more text and a file: what the agent does if nobody stops it. */
function longStep(first: string, silentMs: number, ...between: Step[]): Reply {
  return {
    steps: [
      ...opening,
      ...assistantText(first),
      ...between,
      { delayMs: silentMs },
      { writeFile: { path: '/tmp/reports/late.md', content: 'written after the bot gave up' } },
      ...assistantText(' LATE-TEXT'),
      { event: 'messageStop', data: { stopReason: 'end_turn' } },
    ],
  };
}

function stopButton(rig: Rig, threadTs: string, containing: string) {
  return rig.slack.waitFor(
    () =>
      rig.slack
        .replies(CHANNEL, threadTs)
        .find((m) => m.text.includes(containing) && JSON.stringify(m.blocks ?? []).includes('stop_run')),
    10_000,
    'the answer streaming, with a Stop button',
  );
}

const all = (rig: Rig, ts: string) =>
  rig.slack
    .replies(CHANNEL, ts)
    .flatMap((m) => m.versions.map((v) => JSON.stringify(v.blocks)))
    .join('\n');

describe('Stop really stops the agent', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('ends the stream in flight and the agent’s loop: no further output, the reply shows who stopped it', async () => {
    rig.harness.enqueue(longStep('Scanning every namespace…', 3000));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-stop us-west-2' });
    const reply = await stopButton(rig, root.ts, 'Scanning');
    const inv = rig.harness.invocations.at(-1)!;
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    await rig.slack.waitFor(() => all(rig, root.ts).includes('Stopped by'), 10_000, 'the stopped reply');
    await rig.slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to end');
    expect(inv.stoppedBySession).toBe(true);
    expect(rig.harness.sessions.runningLoops(inv.sessionId)).toBe(0);
    // Nothing the agent would have done later happens, and nothing more reaches the thread.
    await new Promise((r) => setTimeout(r, 3500));
    expect(all(rig, root.ts)).not.toContain('LATE-TEXT');
    expect(rig.harness.sessions.current(inv.sessionId)).toBeUndefined();
    expect(all(rig, root.ts)).toContain(`Stopped by <@${USER}>`);
  }, 30_000);
});

describe('when the bot stops listening, it ends the agent’s session too', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { HARNESS_IDLE_TIMEOUT_SECONDS: '1' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  for (const [name, cut] of [
    ['the idle watchdog trips', []],
    ['the stream is cut', [{ cut: true }]],
  ] as Array<[string, Step[]]>) {
    it(`${name}: the agent is stopped, and a follow-up runs alone in a new session with the context restored`, async () => {
      rig.harness.enqueue(longStep('Checking cluster-alpha nodes…', 2500, ...cut));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-alpha us-west-2' });
      await finalReplies(rig, CHANNEL, root.ts);
      const first = rig.harness.invocations.at(-1)!;
      await rig.slack.waitFor(() => first.agentEndedAt !== undefined, 10_000, 'the agent to end');
      expect(first.stoppedBySession).toBe(true);

      rig.harness.enqueue(recallingAgent);
      await rig.slack.userMessage({
        user: USER,
        channel: CHANNEL,
        text: 'which cluster was it?',
        threadTs: root.ts,
      });
      await rig.slack.waitFor(
        () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('I know about cluster-alpha')),
        10_000,
        'the follow-up answer',
      );
      const second = rig.harness.invocations.at(-1)!;
      expect(second.sessionId).not.toBe(first.sessionId);
      expect(rig.harness.maxConcurrentPerSession).toBe(1);
      expect(all(rig, root.ts)).not.toContain('LATE-TEXT');
    }, 30_000);
  }
});

describe('an idle harness session is recycled and forgets its conversation', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      harness: { idleRuntimeSessionTimeoutSeconds: 1 },
      env: { HARNESS_SESSION_IDLE_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('a follow-up after the idle timeout gets its context from the bot, not from the recycled session', async () => {
    rig.harness.enqueue(recallingAgent);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-beta us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    const first = rig.harness.invocations.at(-1)!;
    await new Promise((r) => setTimeout(r, 1500));
    // The harness has terminated the idle microVM: the same id would start empty.
    expect(rig.harness.sessions.current(first.sessionId)).toBeUndefined();
    rig.harness.enqueue(recallingAgent);
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'which cluster?', threadTs: root.ts });
    await rig.slack.waitFor(
      () =>
        rig.slack.replies(CHANNEL, root.ts).filter((m) => m.text.includes('I know about cluster-beta'))
          .length === 2,
      10_000,
      'the follow-up answer with its context',
    );
  }, 30_000);
});
