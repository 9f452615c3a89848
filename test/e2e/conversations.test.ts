import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { type Reply, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText } from '../../src/stand-ins/scenarios.ts';
import {
  CHANNEL,
  commandRoot,
  finalReplies,
  GROUP,
  GROUP_MEMBER,
  HARNESS_ARN,
  OTHER_USER,
  type Rig,
  startRig,
  USER,
} from '../helpers/rig.ts';

const hang = (text: string): Reply => ({
  steps: [{ event: 'messageStart', data: { role: 'assistant' } }, ...assistantText(text), { hang: true }],
});

describe('conversations: expiry, mentions, DMs', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { HARNESS_SESSION_IDLE_SECONDS: '1' } });
    rig.slack.addChannel({
      id: 'D0ALICEDM',
      name: 'dm-alice',
      isPrivate: true,
      members: [USER, rig.slack.botUserId],
    });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('an expired harness session is replaced, with the context rebuilt from the turn log and a notice', async () => {
    rig.harness.enqueue(answer('Cluster my-cluster runs Kubernetes 1.29 on 3 nodes.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    await finalReplies(rig, CHANNEL, root.ts);
    const first = rig.harness.invocations.at(-1)!;
    await new Promise((r) => setTimeout(r, 1300)); // longer than HARNESS_SESSION_IDLE_SECONDS
    rig.harness.enqueue((inv) => answer(`Seen context: ${userText(inv).includes('Kubernetes 1.29')}`));
    await rig.slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      text: 'and the version again?',
      threadTs: root.ts,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text === 'Seen context: true'),
      10_000,
      'answer',
    );
    const second = rig.harness.invocations.at(-1)!;
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(userText(second)).toContain('and the version again?');
    // The notice is said once, before the answer (not as a note after it, nor twice).
    const replies = rig.slack.replies(CHANNEL, root.ts);
    const mentioning = replies.filter((m) => /restored/i.test(JSON.stringify([m.text, m.blocks])));
    expect(mentioning.map((m) => m.text)).toEqual([expect.stringContaining('Context restored')]);
    const answerAt = replies.findIndex((m) => m.text === 'Seen context: true');
    expect(replies.indexOf(mentioning[0]!)).toBeLessThan(answerAt);
  });

  it('a mention in a channel starts a read-only conversation in its thread; replies continue it', async () => {
    rig.harness.enqueue((inv) => answer(`General answer to: ${userText(inv).slice(-30)}`));
    const msg = await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: `<@${rig.slack.botUserId}> why is checkout slow?`,
      retries: 1,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, msg.ts).some((m) => m.text.includes('General answer')),
      10_000,
      'answer',
    );
    const inv = rig.harness.invocations.at(-1)!;
    expect(userText(inv)).toContain('why is checkout slow?');
    expect(userText(inv)).not.toContain(rig.slack.botUserId);
    const skills = (inv.body.skills ?? []).map((s) => s.path);
    expect(skills).toContain('/opt/.agents/skills/app-service-log-analysis');
    expect(skills.some((p) => p?.includes('fis-experiment'))).toBe(false);
    expect(inv.body.tools).toBeUndefined();
    const n = rig.harness.invocations.length;
    rig.harness.enqueue(answer('Follow-up in the conversation.'));
    await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'what about the database?',
      threadTs: msg.ts,
    });
    await rig.slack.waitFor(() => rig.harness.invocations.length === n + 1, 10_000, 'follow-up');
    expect(rig.harness.invocations.at(-1)!.sessionId).toBe(inv.sessionId);
  });

  it('a direct message starts a conversation too', async () => {
    rig.harness.enqueue(answer('Hello from the DM.'));
    const ts = await rig.slack.userMessage({
      user: USER,
      channel: 'D0ALICEDM',
      text: 'list my EKS clusters',
    });
    await rig.slack.waitFor(
      () => rig.slack.replies('D0ALICEDM', ts.ts).some((m) => m.text === 'Hello from the DM.'),
      10_000,
      'DM answer',
    );
  });
});

describe('access lists, double submits, health and shutdown', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: {
        ALLOWED_CHANNELS: `${CHANNEL},C0OPS0001`,
        COMMAND_ACCESS: `/fis=${GROUP}`,
        DUPLICATE_COMMAND_WINDOW_SECONDS: '30',
      },
    });
    rig.slack.addChannel({ id: 'C0RANDOM1', name: 'random', members: [USER, rig.slack.botUserId] });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('refuses commands outside the allowed channels, and /fis to people outside its group, privately', async () => {
    const posts = rig.slack.callsTo('chat.postMessage').length;
    const elsewhere = await rig.slack.slashCommand({
      command: '/assess',
      text: 'eks x',
      user: USER,
      channel: 'C0RANDOM1',
    });
    expect(JSON.parse(elsewhere.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('not enabled in this conversation'),
    });
    const fis = await rig.slack.slashCommand({
      command: '/fis',
      text: 'prepare kill a pod',
      user: USER,
      channel: CHANNEL,
    });
    expect(JSON.parse(fis.body).text).toContain('is limited to');
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.slack.callsTo('chat.postMessage').length).toBe(posts);
    rig.harness.enqueue(answer('Prepared.'));
    const root = await commandRoot(rig, { command: '/fis', text: 'prepare kill a pod', user: GROUP_MEMBER });
    await finalReplies(rig, CHANNEL, root.ts);
  });

  it('runs a double-submitted command once and says so', async () => {
    rig.harness.enqueue(answer('Once.'));
    const n = rig.harness.invocations.length;
    const told = rig.slack.ephemerals.length;
    const [r1, r2] = await Promise.all([
      rig.slack.slashCommand({ command: '/assess', text: 'eks twice', user: USER, channel: CHANNEL }),
      rig.slack.slashCommand({ command: '/assess', text: 'eks twice', user: USER, channel: CHANNEL }),
    ]);
    // Both are acknowledged at once (the ack waits for no store); the person is told privately,
    // through the command's response_url, that the second one did not start.
    expect([r1.body, r2.body]).toEqual(['', '']);
    const note = await rig.slack.waitFor(
      () =>
        rig.slack.ephemerals
          .slice(told)
          .find((e) => e.user === USER && e.text.includes('did not start it twice')),
      10_000,
      'the double-submit note',
    );
    expect(note.via).toBe('response_url');
    await rig.harness.waitForInvocations(n + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.harness.invocations.length).toBe(n + 1);
    expect(
      rig.slack.ephemerals.slice(told).filter((e) => e.text.includes('did not start it twice')),
    ).toHaveLength(1);
  });

  it('serves /healthz and /readyz', async () => {
    const base = `http://127.0.0.1:${rig.bot.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: { slack: 'ok', store: 'ok', accepting: 'ok' },
    });
  });

  it('on shutdown, finishes runs within the grace period and marks the rest interrupted with Retry', async () => {
    rig.harness.enqueue(hang('Working on a very long check…'));
    const slow = await commandRoot(rig, { command: '/assess', text: 'eks drain-slow' });
    await rig.slack.waitFor(
      () => rig.harness.invocations.some((i) => i.endedAt === undefined),
      10_000,
      'the slow run',
    );
    rig.harness.enqueue(answer('Quick answer finishing during the drain.', { chunk: 2, delayMs: 60 }));
    const quick = await commandRoot(rig, { command: '/assess', text: 'eks drain-quick' });
    await rig.slack.waitFor(
      () => rig.harness.invocations.filter((i) => i.endedAt === undefined).length >= 2,
      10_000,
      'both running',
    );
    await rig.bot.stop(8000);
    expect(JSON.stringify(rig.slack.replies(CHANNEL, quick.ts).at(-1)!.blocks)).toContain('Done in');
    const notice = rig.slack
      .replies(CHANNEL, slow.ts)
      .find((m) => JSON.stringify(m.blocks ?? []).includes('retry_run'));
    expect(notice?.text).toContain('restarting');
    // A restarted replica can retry it.
    await rig.restartBot();
    rig.harness.enqueue(answer('Retried after the restart.'));
    const value = (notice!.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'retry_run')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: notice!.ts,
      actionId: 'retry_run',
      value,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, slow.ts).some((m) => m.text === 'Retried after the restart.'),
      10_000,
      'retry',
    );
  });
});

describe('startup self-check', () => {
  it('names a rejected Slack token before taking traffic', async () => {
    const rig = await startRig();
    try {
      const config = loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-wrong-token',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: rig.slack.apiUrl,
        HARNESS_ARN,
        AWS_REGION: 'us-east-1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      });
      await expect(startBot(config, createLogger('silent'))).rejects.toThrow(
        /SLACK_BOT_TOKEN \(invalid_auth\)/,
      );
    } finally {
      await rig.close();
    }
  });
});
