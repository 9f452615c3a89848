/**
 * Contract: the bot and the fake Slack against what Slack publishes. Every request the bot sends
 * to the fake uses only documented arguments (and all required ones), every answer the fake gives
 * has the shape of Slack's recorded response for that method, and the fake's rate tiers are Slack's.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOnce } from '../../src/adapters/slack-post-once.ts';
import { READ_BUDGETS } from '../../src/core/slack-read-budgets.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-scheduler.ts';
import type { ApiCall } from '../../src/stand-ins/fake-slack.ts';
import { METHOD_TIERS, TIER_PER_MINUTE } from '../../src/stand-ins/fake-slack-rate-limits.ts';
import { answer, toolCall } from '../../src/stand-ins/scenarios.ts';
import { MANIFEST_SCOPES } from '../helpers/manifest.ts';
import { CHANNEL, commandRoot, finalReplies, GROUP, type Rig, startRig, USER } from '../helpers/rig.ts';
import { documentedArgs, publishedTiers, responseSample, shapeProblems } from './slack-spec.ts';

const spec = documentedArgs();

function argProblems(calls: ApiCall[]): string[] {
  const problems: string[] = [];
  for (const c of calls) {
    const args = spec.get(c.method);
    if (!args) {
      problems.push(`${c.method}: not a method Slack documents (or not in the kept spec)`);
      continue;
    }
    for (const k of Object.keys(c.params))
      if (k !== 'token' && !args.known.has(k)) problems.push(`${c.method}: undocumented argument "${k}"`);
    for (const k of args.required)
      if (!(k in c.params)) problems.push(`${c.method}: required argument "${k}" missing`);
  }
  return [...new Set(problems)];
}

function responseProblems(calls: ApiCall[]): string[] {
  return [
    ...new Set(
      calls
        .filter((c) => c.response && c.status === 200)
        .flatMap((c) => shapeProblems(c.response, responseSample(c.method)).map((p) => `${c.method}${p}`)),
    ),
  ];
}

describe('contract with Slack’s published Web API', () => {
  const calls: ApiCall[] = [];
  let edit: Rig;
  let native: Rig;
  let agent: Rig;

  beforeAll(async () => {
    edit = await startRig({ env: { LONG_ANSWER_FILE_CHARS: '2000' } });
    edit.harness.enqueue(
      answer('A long report. '.repeat(200), {
        chunk: 300,
        delayMs: 20,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 300 })],
      }),
    );
    const root = await commandRoot(edit, { command: '/assess', text: 'eks my-cluster us-west-2' });
    // A follow-up while the first turn runs: queued (reaction added, then removed when it runs).
    edit.harness.enqueue(answer('Follow-up answered.', { delayMs: 10 }));
    await edit.slack.userMessage({ user: USER, channel: CHANNEL, text: 'and the nodes?', threadTs: root.ts });
    await edit.slack.waitFor(
      () => edit.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('Follow-up answered')),
      20_000,
      'the follow-up',
    );
    await edit.slack.waitFor(
      () => edit.slack.callsTo('files.completeUploadExternal').length > 0,
      10_000,
      'upload',
    );
    edit.slack.addChannel({ id: 'C0PUBLIC1', name: 'platform', members: [USER] });
    edit.harness.enqueue(answer('Joined.'));
    const joined = await commandRoot(edit, { command: '/assess', text: 'eks c2', channel: 'C0PUBLIC1' });
    await finalReplies(edit, 'C0PUBLIC1', joined.ts);
    calls.push(...edit.slack.calls);

    native = await startRig({ env: { STREAM_MODE: 'native' }, slack: { streamIdleMs: 600 } });
    native.harness.enqueue(
      answer('Streamed answer. '.repeat(50), {
        chunk: 40,
        delayMs: 15,
        tools: [toolCall('shell', { command: 'sleep' }, 'ok', { delayMs: 1_000 })],
      }),
    );
    const nroot = await commandRoot(native, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await finalReplies(native, CHANNEL, nroot.ts, 20_000);
    calls.push(...native.slack.calls);

    // An app declared as an agent: agent sessions, Slack's stop, feedback, the agent view, the Home tab.
    agent = await startRig({ slack: { scopes: [...MANIFEST_SCOPES] } });
    agent.harness.enqueue(
      answer('Agent answer. '.repeat(20), {
        chunk: 40,
        delayMs: 20,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 800 })],
      }),
    );
    const aroot = await commandRoot(agent, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await agent.slack.waitFor(
      () => agent.slack.agents.session(CHANNEL, aroot.ts)?.status === 'processing',
      10_000,
      'processing',
    );
    await agent.slack.agents.pressStop(CHANNEL, aroot.ts, USER);
    await finalReplies(agent, CHANNEL, aroot.ts, 20_000);
    agent.slack.addChannel({ id: 'D0ALICE01', name: 'dm-alice', members: [USER, agent.slack.botUserId] });
    await agent.slack.agents.openAgentView(USER, 'D0ALICE01');
    await agent.slack.agents.openHome(USER);
    await agent.slack.waitFor(
      () =>
        agent.slack.callsTo('views.publish').length > 0 &&
        agent.slack.callsTo('assistant.threads.setSuggestedPrompts').length > 0,
      10_000,
      'the Home tab and the prompts',
    );
    // Slack's rename answer, as the adapter would call it for a session that exists.
    await new WebClient(agent.slack.botToken, { slackApiUrl: agent.slack.apiUrl }).agents.sessions.rename({
      channel_id: CHANNEL,
      thread_ts: aroot.ts,
      title: 'Renamed',
    });
    calls.push(...agent.slack.calls);

    // Methods the scenarios above may not reach, called as the bot's adapters call them.
    const client = new WebClient(edit.slack.botToken, { slackApiUrl: edit.slack.apiUrl });
    await client.auth.test();
    await client.usergroups.users.list({ usergroup: GROUP });
    await client.users.info({ user: USER });
    await client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'only you' });
    await client.chat.update({ channel: CHANNEL, ts: '1.000000', text: 'x' }).catch(() => undefined);
    await new WebClient(edit.slack.appToken, { slackApiUrl: edit.slack.apiUrl }).apps.connections.open();
    calls.push(...edit.slack.calls.slice(-6));
    // Posts whose answers come too late: the writer looks for them (replies, history) before re-sending.
    const posts = new WebClient(edit.slack.botToken, {
      slackApiUrl: edit.slack.apiUrl,
      timeout: 300,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    const before = edit.slack.calls.length;
    edit.slack.slowDown('chat.postMessage', 600, 2);
    const late = await postOnce(posts, { channel: CHANNEL, text: 'late root' });
    await postOnce(posts, { channel: CHANNEL, text: 'late reply', thread_ts: late.ts! });
    calls.push(...edit.slack.calls.slice(before));
  }, 120_000);

  afterAll(async () => {
    await edit?.close();
    await native?.close();
    await agent?.close();
  });

  it('the scenarios reach every method the bot uses', () => {
    const used = new Set(calls.map((c) => c.method));
    for (const m of [
      'chat.postMessage',
      'chat.update',
      'chat.startStream',
      'chat.appendStream',
      'chat.stopStream',
      'reactions.add',
      'reactions.remove',
      'conversations.join',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
      'usergroups.users.list',
      'users.info',
      'auth.test',
      'apps.connections.open',
      'chat.postEphemeral',
      'conversations.replies',
      'conversations.history',
      'agents.sessions.setStatus',
      'agents.sessions.rename',
      'assistant.threads.setSuggestedPrompts',
      'views.publish',
    ])
      expect(used, m).toContain(m);
  });

  it('every request uses documented arguments only, with every required one', () => {
    expect(argProblems(calls)).toEqual([]);
  });

  it('every answer of the fake has the shape of Slack’s recorded response for that method', () => {
    expect(responseProblems(calls)).toEqual([]);
  });

  it('the checks can fail: an undocumented argument and a made-up response field are caught', () => {
    const bad: ApiCall = {
      method: 'chat.update',
      params: { channel: 'C1', ts: '1.0', text: 'x', markdown_text: 'y' },
      token: 't',
      at: 0,
      status: 200,
      response: { ok: true, channel: 'C1', ts: '1.0', made_up: 1 },
    };
    expect(argProblems([bad])).toEqual(['chat.update: undocumented argument "markdown_text"']);
    expect(responseProblems([bad])).toEqual(["chat.update/made_up: not in Slack's response"]);
    expect(argProblems([{ ...bad, params: { channel: 'C1' } }])).toContain(
      'chat.update: required argument "ts" missing',
    );
  });

  it('the fake’s rate tiers are Slack’s published tiers, and the bot’s budgets stay under them', () => {
    const published = publishedTiers();
    for (const [method, tier] of Object.entries(published)) {
      const mine = METHOD_TIERS[method];
      expect(mine, method).toBe(tier.startsWith('Special') ? 'special' : tier);
    }
    // The writer's dedupe look-ups have budgets of their own (slack-read-budgets.ts), held to the same rule.
    for (const [method, b] of Object.entries({ ...DEFAULT_BUDGETS, ...READ_BUDGETS })) {
      const tier = published[method]!;
      if (tier.startsWith('Tier')) {
        const perMinute = TIER_PER_MINUTE[tier as keyof typeof TIER_PER_MINUTE];
        expect(b.maxInWindow * (60_000 / b.windowMs), method).toBeLessThanOrEqual(perMinute);
      }
    }
  });
});
