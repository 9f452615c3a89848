/**
 * `/investigate` routed with HARNESSES like the other commands, through the real Bolt app with two
 * further harness emulators: the command, an Investigate click on an alert note and an automatic start
 * all run on the harness that answers /investigate, follow-ups stay there, and /cost stays on its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAppMessage } from '../../src/stand-ins/alert-sender.ts';
import { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { putCheckout5xxAlarm } from '../helpers/alarms.ts';
import { CHANNEL, commandRoot, finalReplies, OTHER_USER, type Rig, startRig, USER } from '../helpers/rig.ts';

const AUTO = 'C0AUTOINV';
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8'));

describe('/investigate on its own harness', () => {
  let rig: Rig;
  const cw = new CloudWatchEmulator({ region: 'us-west-2', account: '123456789012' });
  beforeAll(async () => {
    await cw.start();
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cw.url;
    rig = await startRig({
      cloudwatch: cw,
      harnesses: [
        { id: 'ops', commands: ['/investigate'] },
        { id: 'cost', commands: ['/cost'] },
      ],
      env: {
        ALLOWED_CHANNELS: `${CHANNEL},${AUTO}`,
        ALERT_AUTO_INVESTIGATE_CHANNELS: AUTO,
        COMMAND_ACCESS: `/investigate=${USER}`,
      },
    });
    rig.slack.addChannel({
      id: AUTO,
      name: 'auto-investigate',
      isPrivate: false,
      members: [rig.slack.botUserId, USER],
    });
    putCheckout5xxAlarm(cw);
  });
  afterAll(async () => {
    await rig.close();
    await cw.stop();
    delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
  });

  it('runs the command there, keeps its follow-ups there, and leaves /cost on the cost harness', async () => {
    const ops = rig.named.get('ops')!;
    const cost = rig.named.get('cost')!;
    ops.enqueue(answer('The targets failed health checks after a deploy.'));
    const root = await commandRoot(rig, { command: '/investigate', text: 'checkout 5xx', user: USER });
    await finalReplies(rig, CHANNEL, root.ts);
    expect(ops.invocations).toHaveLength(1);
    const [first] = ops.invocations;
    expect(first!.harnessArn).toBe(ops.harnessArn);
    expect(userText(first!)).toMatch(/Alarm: checkout 5xx/);

    ops.enqueue((inv) => answer(`Ops follow-up: ${userText(inv)}`));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'Which deploy?', threadTs: root.ts });
    await ops.waitForInvocations(2);
    expect(ops.invocations[1]!.sessionId).toBe(first!.sessionId);

    cost.enqueue(answer('EC2 cost rose 18%.'));
    const costRoot = await commandRoot(rig, { command: '/cost', text: 'ec2 3m' });
    await finalReplies(rig, CHANNEL, costRoot.ts);
    expect(cost.invocations).toHaveLength(1);
    expect(ops.invocations).toHaveLength(2);
    expect(rig.harness.invocations).toHaveLength(0);
  });

  it('an Investigate click on an alert note runs on the same harness as the command', async () => {
    const ops = rig.named.get('ops')!;
    const before = ops.invocations.length;
    const { ts } = await postAppMessage(rig.slack, fixture('sns-single-metric.json'), CHANNEL);
    const note = await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, ts)
          .find(
            (m) =>
              m.botId === rig.slack.botId && JSON.stringify(m.blocks ?? []).includes('alert_investigate'),
          ),
      5000,
      'the alarm note',
    );
    ops.enqueue(answer('Most likely cause: a deploy at 17:40.'));
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: note.ts,
      actionId: 'alert_investigate',
    });
    await finalReplies(rig, CHANNEL, ts);
    expect(ops.invocations).toHaveLength(before + 1);
    expect(userText(ops.invocations.at(-1)!)).toMatch(/Alarm: EXAMPLE/);
    expect(rig.harness.invocations).toHaveLength(0);

    ops.enqueue((inv) => answer(`Alert follow-up: ${userText(inv)}`));
    await rig.slack.userMessage({ user: OTHER_USER, channel: CHANNEL, text: 'And now?', threadTs: ts });
    await ops.waitForInvocations(before + 2);
    expect(ops.invocations.at(-1)!.sessionId).toBe(ops.invocations.at(-2)!.sessionId);
  });

  it('an automatic investigation of a verified alarm runs there too', async () => {
    const ops = rig.named.get('ops')!;
    const before = ops.invocations.length;
    ops.enqueue(answer('Auto investigation done.'));
    const { ts } = await postAppMessage(rig.slack, fixture('amazon-q-linked-alarm.json'), AUTO);
    await finalReplies(rig, AUTO, ts);
    expect(ops.invocations).toHaveLength(before + 1);
    expect(userText(ops.invocations.at(-1)!)).toMatch(/Alarm: productUpdateWebhook-DlqAlarm/);
    expect(rig.harness.invocations).toHaveLength(0);
  });
});
