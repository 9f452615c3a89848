/**
 * Start from the alert (issue 19), through the real Bolt app: other apps' alarm notifications (the
 * published samples in test/fixtures/alerts) get one note with an Investigate button per episode; a
 * click starts a read-only run in the alert's thread with the alarm's facts in the harness request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAppMessage } from '../../src/stand-ins/alert-sender.ts';
import { type Invocation, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, finalReplies, OTHER_USER, type Rig, startRig, USER } from '../helpers/rig.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8'));
const AUTO = 'C0AUTOINV';
const ELSEWHERE = 'C0NOTALLOW';
const INVESTIGATE = 'alert_investigate';
const skills = (inv: Invocation) => (inv.body.skills ?? []).map((s) => s.path?.split('/').pop());

describe('alerts: notes, Investigate, episodes', () => {
  let rig: Rig;
  const botReplies = (channel: string, ts: string) =>
    rig.slack.replies(channel, ts).filter((m) => m.botId === rig.slack.botId);
  const hasButton = (m: { blocks?: unknown[] }) => JSON.stringify(m.blocks ?? []).includes(INVESTIGATE);
  const noteOf = (channel: string, ts: string) =>
    rig.slack.waitFor(() => botReplies(channel, ts).find(hasButton), 5000, 'the alarm note');
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeAll(async () => {
    rig = await startRig({
      env: {
        ALLOWED_CHANNELS: `${CHANNEL},${AUTO}`,
        ALERT_AUTO_INVESTIGATE_CHANNELS: AUTO,
        COMMAND_ACCESS: `/investigate=${USER}`,
      },
    });
    for (const id of [AUTO, ELSEWHERE]) {
      rig.slack.addChannel({
        id,
        name: id.toLowerCase(),
        isPrivate: false,
        members: [rig.slack.botUserId, USER],
      });
    }
  });
  afterAll(async () => {
    await rig.close();
  });

  const cases: Array<[string, string, RegExp[]]> = [
    [
      'raw SNS JSON (webhook)',
      'sns-single-metric.json',
      [
        /Alarm: EXAMPLE/,
        /AWS\/EC2 NetworkOut/,
        /GreaterThanThreshold 0/,
        /changed at 2015-06-03T17:43:27\.123Z/,
        /InstanceId=TestInstance/,
        /Account: 123456789012/,
      ],
    ],
    [
      'Alertmanager default template',
      'alertmanager-firing.json',
      [
        /Alarm: test/,
        /Source: Alertmanager/,
        /FIRING:1/,
        /other common label values: vm1 critical/,
        /receiver: slack-sre/,
      ],
    ],
    [
      'Amazon Q Developer',
      'amazon-q-alarm.json',
      [
        /Alarm: productUpdateWebhook-DlqAlarm/,
        /Region: eu-west-1/,
        /Reason: Threshold Crossed\./,
        /alarmsV2:alarm\/productUpdateWebhook-DlqAlarm/,
      ],
    ],
    [
      'PagerDuty Slack app',
      'pagerduty-triggered.json',
      [
        /Alarm: A little bump in the road/,
        /Service: API Service/,
        /incident: #2/,
        /acme\.pagerduty\.com\/incidents\/PGR0VU2/,
      ],
    ],
  ];
  for (const [label, file, facts] of cases) {
    it(`${label}: one note with a button; a click starts a run in its thread with the facts`, async () => {
      const { ts } = await postAppMessage(rig.slack, fixture(file), CHANNEL);
      const note = await noteOf(CHANNEL, ts);
      await settle();
      expect(botReplies(CHANNEL, ts)).toHaveLength(1);
      const before = rig.harness.invocations.length;
      rig.harness.enqueue(answer('Most likely cause: a deploy at 17:40.'));
      await rig.slack.clickButton({
        user: USER,
        channel: CHANNEL,
        messageTs: note.ts,
        actionId: INVESTIGATE,
      });
      const replies = await finalReplies(rig, CHANNEL, ts);
      expect(rig.harness.invocations).toHaveLength(before + 1);
      const inv = rig.harness.invocations.at(-1)!;
      const prompt = userText(inv);
      for (const f of facts) expect(prompt).toMatch(f);
      expect(prompt).toContain('app-service-log-analysis');
      expect(skills(inv)).toContain('app-service-log-analysis');
      // Read-only like a mention: never the experiment skills.
      expect(skills(inv)).not.toContain('aws-fis-experiment-execute');
      // The note became the run's root: it says which alarm, and the button is gone.
      const root = rig.slack.message(CHANNEL, note.ts)!;
      expect(root.text).toMatch(/Investigation of alarm/);
      expect(hasButton(root)).toBe(false);
      expect(replies.some((m) => m.text.includes('Most likely cause'))).toBe(true);
    });
  }

  it('an alarm naming a resource also gets the research skill for it (SNS sample: an EC2 instance)', () => {
    const inv = rig.harness.invocations.find((i) => userText(i).includes('InstanceId=TestInstance'))!;
    expect(skills(inv)).toEqual(['app-service-log-analysis', 'aws-best-practice-research']);
    expect(userText(inv)).toMatch(/2015-06-03T17:13:27Z to 2015-06-03T17:58:27Z/);
  });

  it('a flapping alarm gets one note, kept up to date, and no further notes', async () => {
    const firing = fixture('alertmanager-firing.json');
    const resolved = fixture('alertmanager-resolved.json');
    const channel = CHANNEL;
    // A different receiver from the earlier test: its own alarm.
    const relink = (m: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(m).replaceAll('receiver=slack-sre', 'receiver=flappy'));
    const { ts } = await postAppMessage(rig.slack, relink(firing), channel);
    const note = await noteOf(channel, ts);
    const later: string[] = [];
    for (const m of [resolved, firing, resolved, firing])
      later.push((await postAppMessage(rig.slack, relink(m), channel)).ts);
    await rig.slack.waitFor(
      () => JSON.stringify(rig.slack.message(channel, note.ts)!.blocks).includes('5 notifications'),
      5000,
      'the note to count the flaps',
    );
    await settle();
    expect(botReplies(channel, ts)).toHaveLength(1);
    for (const t of later) expect(botReplies(channel, t)).toHaveLength(0);
    expect(rig.slack.rootMessages(channel).filter((m) => m.botId === rig.slack.botId)).toHaveLength(0);
  });

  it('a channel outside ALLOWED_CHANNELS gets nothing; a person not on the /investigate list is refused privately', async () => {
    const before = rig.harness.invocations.length;
    const { ts } = await postAppMessage(rig.slack, fixture('amazon-q-alarm.json'), ELSEWHERE);
    await settle();
    await settle();
    expect(rig.slack.messages.filter((m) => m.channel === ELSEWHERE && m.botId === rig.slack.botId)).toEqual(
      [],
    );
    expect(rig.slack.replies(ELSEWHERE, ts)).toEqual([]);

    const other = await postAppMessage(rig.slack, fixture('amazon-q-ok.json'), CHANNEL);
    // An OK for an alarm with no open episode: nothing to investigate, nothing said.
    await settle();
    expect(botReplies(CHANNEL, other.ts)).toEqual([]);

    const pd = JSON.parse(
      JSON.stringify(fixture('pagerduty-triggered.json')).replaceAll('PGR0VU2', 'PSTRANGE1'),
    );
    const alert = await postAppMessage(rig.slack, pd, CHANNEL);
    const note = await noteOf(CHANNEL, alert.ts);
    await rig.slack.clickButton({
      user: OTHER_USER,
      channel: CHANNEL,
      messageTs: note.ts,
      actionId: INVESTIGATE,
    });
    await rig.slack.waitFor(
      () => rig.slack.ephemerals.find((e) => e.user === OTHER_USER && /limited to/.test(e.text)),
      10_000,
      'the private refusal',
    );
    await settle();
    expect(rig.harness.invocations.length).toBe(before);
    expect(hasButton(rig.slack.message(CHANNEL, note.ts)!)).toBe(true);
  });

  it('a look-alike never starts anything without a click, even where alarms start at once', async () => {
    const before = rig.harness.invocations.length;
    const lookalike = {
      type: 'message',
      bot_id: 'B0RANDOM1',
      bot_profile: { id: 'B0RANDOM1', name: 'random-bot' },
      text: 'The alarm db-cpu changed state to ALARM: trust me\nhttps://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/db-cpu',
    };
    const { ts } = await postAppMessage(rig.slack, lookalike, AUTO);
    const note = await noteOf(AUTO, ts);
    expect(JSON.stringify(note.blocks)).toContain('only looks like');
    // A person pasting a real notification is conversation, not an alarm: nothing at all.
    const pasted = await rig.slack.userMessage({
      user: USER,
      channel: AUTO,
      text: String(fixture('amazon-q-alarm.json').text),
    });
    await settle();
    await settle();
    expect(rig.slack.replies(AUTO, pasted.ts)).toEqual([]);
    expect(rig.harness.invocations.length).toBe(before);
  });

  it('a verified alarm in a channel configured for it is investigated at once, its root naming the alarm', async () => {
    rig.harness.enqueue(answer('Auto investigation done.'));
    const { ts } = await postAppMessage(rig.slack, fixture('amazon-q-linked-alarm.json'), AUTO);
    const replies = await finalReplies(rig, AUTO, ts);
    expect(replies[0]!.text).toMatch(/Investigation of alarm productUpdateWebhook-DlqAlarm/);
    expect(replies.some(hasButton)).toBe(false);
    expect(userText(rig.harness.invocations.at(-1)!)).toMatch(/Alarm: productUpdateWebhook-DlqAlarm/);
  });

  it('OK again while the agent works: said in the run thread, and the agent is told next', async () => {
    const alarm = JSON.parse(
      JSON.stringify(fixture('sns-single-metric.json')).replaceAll('EXAMPLE', 'orders-latency'),
    );
    const ok = JSON.parse(
      JSON.stringify(alarm).replace(
        '\\\\\\"NewStateValue\\\\\\": \\\\\\"ALARM\\\\\\"',
        '\\\\\\"NewStateValue\\\\\\": \\\\\\"OK\\\\\\"',
      ),
    );
    expect(JSON.stringify(ok)).not.toEqual(JSON.stringify(alarm));
    const { ts } = await postAppMessage(rig.slack, alarm, CHANNEL);
    const note = await noteOf(CHANNEL, ts);
    // Long enough (about 9 s) that the run is surely still working when the OK arrives, even when earlier
    // tests in this file have used up the workspace's edit budget and the first text shows late.
    rig.harness.enqueue(
      answer(
        'Looking at the logs of the service now. Reading the error timeline first, then the deployments around the state change, then its dependencies.',
        { chunk: 4, delayMs: 250 },
      ),
    );
    rig.harness.enqueue((inv) => answer(`Noted: ${/is now OK/.test(userText(inv))}`));
    await rig.slack.clickButton({ user: USER, channel: CHANNEL, messageTs: note.ts, actionId: INVESTIGATE });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, ts).some((m) => m.text.includes('Looking at the logs')),
      8000,
      'the agent to start',
    );
    await postAppMessage(rig.slack, ok, CHANNEL);
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, ts).find((m) => /is OK again/.test(m.text) && /told it/.test(m.text)),
      5000,
      'the state change note',
    );
    // The agent hears of it as its next turn in the same session, with the new state.
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, ts).some((m) => m.text === 'Noted: true'),
      30_000,
      'the agent to be told',
    );
    const told = rig.harness.invocations.at(-1)!;
    expect(userText(told)).toMatch(/alarm "orders-latency" is now OK/);
    expect(told.sessionId).toBe(rig.harness.invocations.at(-2)!.sessionId);
    expect(rig.slack.rootMessages(CHANNEL).filter((m) => m.botId === rig.slack.botId)).toHaveLength(0);
  });
});

describe('alerts: an automatic start the access lists refuse', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { ALERT_AUTO_INVESTIGATE_CHANNELS: CHANNEL, COMMAND_ACCESS: `/logs=${USER};/assess=${USER}` },
    });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('falls back to the note with its button, so the alarm is not lost', async () => {
    const { ts } = await postAppMessage(rig.slack, fixture('amazon-q-alarm.json'), CHANNEL);
    const note = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, ts).find((m) => JSON.stringify(m.blocks ?? []).includes(INVESTIGATE)),
      8000,
      'the note',
    );
    expect(rig.harness.invocations).toHaveLength(0);
    // Someone the lists allow can still investigate it.
    rig.harness.enqueue(answer('Investigated by alice.'));
    await rig.slack.clickButton({ user: USER, channel: CHANNEL, messageTs: note.ts, actionId: INVESTIGATE });
    await finalReplies(rig, CHANNEL, ts);
    expect(rig.harness.invocations).toHaveLength(1);
  });
});
