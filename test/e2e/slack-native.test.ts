/**
 * Slack's agent surfaces end to end, through the real Bolt app against the fake Slack: each run's
 * thread is an agent session (processing → active, suspended while an approval is pending), Slack's
 * own stop button takes the Stop path, the steps stay visible after the answer, final answers carry
 * feedback buttons, and the DM agent view offers suggested prompts. Where Slack lacks the feature
 * (no agent declaration, no event subscription), the bot behaves as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { answer, fisExecuteAgent, toolCall } from '../../src/stand-ins/scenarios.ts';
import { AGENT_APP, hasStopButton, json, startAgentRig, waitForStatus } from '../helpers/agent-app.ts';
import { requestRun, TEMPLATE } from '../helpers/approval.ts';
import {
  APPROVER,
  CHANNEL,
  commandRoot,
  finalReplies,
  OTHER_USER,
  type Rig,
  startRig,
  USER,
} from '../helpers/rig.ts';

function slowAnswer(text: string) {
  return answer(text, {
    chunk: 20,
    delayMs: 20,
    tools: [
      toolCall('shell', { command: 'kubectl get nodes -o wide' }, 'node-1 Ready', { delayMs: 150 }),
      toolCall('shell', { command: 'kubectl get pods -A' }, 'error: forbidden', {
        status: 'error',
        delayMs: 50,
      }),
    ],
  });
}

describe('agent sessions: status, title and Slack’s own stop', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startAgentRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('a run’s thread is a session: processing with its title while the agent works, active after; no bot Stop button', async () => {
    rig.harness.enqueue(slowAnswer('The cluster looks healthy. '.repeat(10)));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await waitForStatus(rig, root.ts, 'processing', 10_000);
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    await waitForStatus(rig, root.ts, 'active', 5000);
    const s = rig.slack.agents.session(CHANNEL, root.ts)!;
    expect(s.title).toBe('EKS best-practice assessment of my-cluster in us-west-2');
    expect(s.initiator).toBe(USER);
    expect(s.history).toEqual(['processing', 'active']);
    expect(hasStopButton(rig, root.ts)).toBe(false);
    // The steps stay after the answer: each command, its duration, and whether it worked.
    const last = json(replies.at(-1)!.blocks);
    expect(last).toMatch(/Steps\* · 2 tool calls, 1 failed/);
    expect(last).toMatch(/:white_check_mark: ran `kubectl get nodes -o wide` · \d/);
    expect(last).toMatch(/:x: ran `kubectl get pods -A` · \d/);
    expect(last).toContain('"expand":false');
  }, 30_000);

  it('Slack’s stop button stops the run like the bot’s Stop: agent ended, “Stopped by”, session active', async () => {
    rig.harness.enqueue(
      answer('Scanning every namespace… '.repeat(40), {
        chunk: 10,
        delayMs: 60,
        tools: [toolCall('shell', { command: 'sleep 30' }, 'ok', { delayMs: 2500 })],
      }),
    );
    const before = rig.harness.invocations.length;
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-stop us-west-2' });
    const inv = await rig.slack.waitFor(() => rig.harness.invocations[before], 10_000, 'the invocation');
    await waitForStatus(rig, root.ts, 'processing', 10_000);
    expect(await rig.slack.agents.pressStop(CHANNEL, root.ts, USER)).toBe(true);
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => json(m.blocks).includes(`Stopped by <@${USER}>`)),
      10_000,
      'the stopped reply',
    );
    await rig.slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to end');
    expect(inv.stoppedBySession).toBe(true);
    await waitForStatus(rig, root.ts, 'active', 5000);
  }, 30_000);

  it('Slack rate-limits a status change: retried after Retry-After, so no session is left processing', async () => {
    rig.harness.enqueue(answer('Quick.'));
    const before = rig.slack.callsTo('agents.sessions.setStatus').length;
    rig.slack.rateLimitNext('agents.sessions.setStatus', 1, 1);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-429 us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    await waitForStatus(rig, root.ts, 'active', 10_000);
    expect(
      rig.slack
        .callsTo('agents.sessions.setStatus')
        .slice(before)
        .map((c) => c.status),
    ).toContain(429);
  }, 30_000);

  it('someone who may not stop the run is told so privately, and the run goes on', async () => {
    rig.harness.enqueue(slowAnswer('Still working. '.repeat(30)));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-other us-west-2' });
    await waitForStatus(rig, root.ts, 'processing', 10_000);
    await rig.slack.agents.pressStop(CHANNEL, root.ts, OTHER_USER);
    await rig.slack.waitFor(
      () => rig.slack.ephemerals.some((e) => e.user === OTHER_USER && e.text.includes('can stop this run')),
      10_000,
      'the refusal',
    );
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(json(replies.at(-1)!.blocks)).not.toContain('Stopped by');
  }, 30_000);

  it('final answers carry feedback buttons; votes are stored per person per answer, the latest click counting', async () => {
    rig.harness.enqueue(answer('Use managed node groups.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-fb us-west-2' });
    const answerMsg = (await finalReplies(rig, CHANNEL, root.ts)).at(-1)!;
    expect(json(answerMsg.blocks)).toContain('"feedback_buttons"');
    const clickAndWait = async (user: string, positive: boolean, n: number) => {
      await rig.slack.clickFeedback({ user, channel: CHANNEL, messageTs: answerMsg.ts, positive });
      await new Promise((r) => setTimeout(r, 300 * n));
    };
    await clickAndWait(USER, true, 1);
    await clickAndWait(USER, false, 1);
    await clickAndWait(OTHER_USER, true, 1);
    // The same click as the sandbox page sends it (action id and the chosen button's value).
    const element = (
      answerMsg.blocks as Array<{
        type: string;
        elements?: Array<{ action_id: string; negative_button: { value: string } }>;
      }>
    ).find((b) => b.type === 'context_actions')!.elements![0]!;
    await rig.slack.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: answerMsg.ts,
      actionId: element.action_id,
      value: element.negative_button.value,
    });
    await new Promise((r) => setTimeout(r, 300));
    const mine = (await rig.bot.feedback.since(Date.now() - 60_000)).filter((f) => f.turnTs === answerMsg.ts);
    expect(mine.map((f) => [f.user, f.verdict]).sort()).toEqual([
      [USER, 'bad'],
      [OTHER_USER, 'good'],
      [APPROVER, 'bad'],
    ]);
    expect(mine[0]).toMatchObject({
      channel: CHANNEL,
      threadTs: root.ts,
      skill: 'eks-workload-best-practice-assessment',
    });
    expect(mine[0]!.runtimeSessionId).toMatch(/.{33,}/);
  }, 30_000);

  it('the DM agent view offers suggested prompts, and a message there is answered in its thread', async () => {
    rig.slack.addChannel({ id: 'D0ALICE01', name: 'dm-alice', members: [USER, rig.slack.botUserId] });
    const opened = await rig.slack.agents.openAgentView(USER, 'D0ALICE01');
    await rig.slack.waitFor(() => rig.slack.agents.prompts.get('D0ALICE01'), 5000, 'the suggested prompts');
    const prompts = rig.slack.agents.prompts.get('D0ALICE01')!.prompts;
    expect(prompts.map((p) => p.title)).toEqual([
      'Assess an EKS cluster',
      'Review an AWS service',
      'How could this service fail?',
      'Why is this log group noisy?',
    ]);
    // Slack silently drops prompts sent with a thread_ts to an agent app: the bot sends none.
    expect(
      rig.slack.callsTo('assistant.threads.setSuggestedPrompts').at(-1)!.params.thread_ts,
    ).toBeUndefined();
    rig.harness.enqueue(answer('Your checkout log group is noisy because of retries.'));
    await rig.slack.userMessage({
      user: USER,
      channel: 'D0ALICE01',
      text: prompts[3]!.message,
      threadTs: opened!.threadTs,
    });
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies('D0ALICE01', opened!.threadTs)
          .some((m) => m.text.includes('noisy because of retries')),
      10_000,
      'the answer in the agent view thread',
    );
  }, 30_000);
});

describe('agent sessions: suspended while an approval is pending', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startAgentRig({ harness: { defaultScenario: fisExecuteAgent() } });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('the session is suspended while the card waits for an approver', async () => {
    const { root } = await requestRun(rig);
    await waitForStatus(rig, root.ts, 'suspended', 10_000);
    expect(rig.slack.agents.session(CHANNEL, root.ts)!.history).toEqual(['processing', 'suspended']);
  }, 30_000);
});

describe('without Slack’s agent features the bot works as before', () => {
  it('an app not declared as an agent (no assistant:write): no agents.* call at all; the bot’s Stop button stays', async () => {
    const rig = await startRig(); // the fake's default token has no assistant:write
    try {
      for (const cluster of ['c1', 'c2']) {
        rig.harness.enqueue(slowAnswer('Fine. '.repeat(20)));
        const root = await commandRoot(rig, { command: '/assess', text: `eks ${cluster} us-west-2` });
        await finalReplies(rig, CHANNEL, root.ts);
        expect(hasStopButton(rig, root.ts)).toBe(true);
      }
      expect(rig.slack.callsTo('agents.sessions.setStatus')).toHaveLength(0);
      expect(rig.slack.calls.filter((c) => c.error).map((c) => `${c.method}:${c.error}`)).toEqual([]);
    } finally {
      await rig.close();
    }
  }, 40_000);

  it('not subscribed to agent_session_stopped: Slack warns, its spinner cannot stop anything, the bot’s Stop button stays', async () => {
    const rig = await startRig({
      slack: { ...AGENT_APP, botEvents: AGENT_APP.botEvents.filter((e) => e !== 'agent_session_stopped') },
    });
    try {
      rig.harness.enqueue(slowAnswer('Fine. '.repeat(40)));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks c3 us-west-2' });
      await waitForStatus(rig, root.ts, 'processing', 10_000);
      expect(rig.slack.callsTo('agents.sessions.setStatus')[0]!.response?.warning).toBe(
        'missing_agent_session_stopped_event_subscription',
      );
      expect(await rig.slack.agents.pressStop(CHANNEL, root.ts, USER)).toBe(false);
      await finalReplies(rig, CHANNEL, root.ts);
      expect(hasStopButton(rig, root.ts)).toBe(true);
    } finally {
      await rig.close();
    }
  }, 30_000);

  it('an older workspace without the agents.* methods: unknown_method, and runs are unchanged', async () => {
    const rig = await startAgentRig({ slack: { agentSessions: false } });
    try {
      rig.harness.enqueue(slowAnswer('Fine.'));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks c4 us-west-2' });
      await finalReplies(rig, CHANNEL, root.ts);
      expect(hasStopButton(rig, root.ts)).toBe(true);
      expect(rig.slack.callsTo('agents.sessions.setStatus').map((c) => c.error)).toEqual(['unknown_method']);
    } finally {
      await rig.close();
    }
  }, 30_000);
});

describe('Slack’s stop on a streaming reply: the Stop policy holds for the person who pressed it', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startAgentRig({ env: { STREAM_MODE: 'native', BOT_ADMINS: APPROVER } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const markdown = (m: { blocks?: unknown[] }) =>
    ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
      .filter((b) => b.type === 'markdown')
      .map((b) => b.text ?? '')
      .join('');

  it('someone who may not stop it: Slack ended the stream, the thread says so, the answer continues and the run is not stopped', async () => {
    const text = 'Checking node groups and their scaling settings. '.repeat(40);
    rig.harness.enqueue(answer(text, { chunk: 12, delayMs: 25 }));
    const before = rig.harness.invocations.length;
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-native-other us-west-2' });
    const live = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.stream?.state === 'streaming' && m.text),
      10_000,
      'a live stream',
    );
    expect(await rig.slack.agents.pressStop(CHANNEL, root.ts, OTHER_USER)).toBe(true);
    expect(rig.slack.message(CHANNEL, live.ts)!.stream!.state).toBe('stopped_by_user');
    await rig.slack.waitFor(
      () => rig.slack.ephemerals.some((e) => e.user === OTHER_USER && e.text.includes('can stop this run')),
      10_000,
      'the refusal',
    );
    const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
    const all = json(replies.map((m) => m.blocks));
    expect(all).not.toContain('Stopped by');
    // Said truthfully in the thread: who pressed it, that it only ended the stream.
    expect(replies.some((m) => m.text.includes(`<@${OTHER_USER}>`) && /continues below/.test(m.text))).toBe(
      true,
    );
    // The whole answer is there, and the agent was not stopped.
    expect(replies.map(markdown).join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    expect(rig.harness.invocations[before]!.stoppedBySession).toBeFalsy();
    await waitForStatus(rig, root.ts, 'active', 5000);
  }, 40_000);

  it('an admin who is not the asker: the run stops, and the reply names the admin, not the asker', async () => {
    rig.harness.enqueue(
      answer('Scanning every namespace for pods without limits. '.repeat(60), { chunk: 12, delayMs: 25 }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-native-admin us-west-2' });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.stream?.state === 'streaming' && m.text),
      10_000,
      'a live stream',
    );
    expect(await rig.slack.agents.pressStop(CHANNEL, root.ts, APPROVER)).toBe(true);
    const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
    const last = json(replies.at(-1)!.blocks);
    expect(last).toContain(`Stopped by <@${APPROVER}>`);
    expect(json(replies.map((m) => m.blocks))).not.toContain(`Stopped by <@${USER}>`);
  }, 40_000);
});

describe('native streaming keeps the steps as a timeline', () => {
  it('each tool call is a task with its outcome and duration, still there after the answer', async () => {
    const rig = await startAgentRig({ env: { STREAM_MODE: 'native' } });
    try {
      rig.harness.enqueue(slowAnswer('Native answer. '.repeat(10)));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks c5 us-west-2' });
      const replies = await finalReplies(rig, CHANNEL, root.ts);
      const streamed = replies.find((m) => m.stream)!;
      expect(streamed.stream!.display).toBe('timeline');
      const tasks = [...streamed.stream!.tasks.values()].filter((t) => t.title.includes('kubectl'));
      expect(tasks.map((t) => t.status)).toEqual(['complete', 'error']);
      // A finished step says what was done, not what is being done.
      expect(tasks.map((t) => t.title)).toEqual([
        'ran `kubectl get nodes -o wide`',
        'ran `kubectl get pods -A`',
      ]);
      expect(tasks[0]!.output).toMatch(/^ok · \d/);
      expect(tasks[1]!.output).toMatch(/^failed · \d/);
      expect(json(replies.at(-1)!.blocks)).toContain('"feedback_buttons"');
    } finally {
      await rig.close();
    }
  }, 30_000);
});
