/**
 * `/investigate <alarm name or ARN> [region]` (issue 19) through the real Bolt app: the bot reads the
 * alarm from the CloudWatch emulator (DescribeAlarms, DescribeAlarmHistory) with the real SDK, posts a
 * root naming it and starts the read-only investigation with its facts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';
import { type Invocation, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { putCheckout5xxAlarm } from '../helpers/alarms.ts';
import { CHANNEL, commandRoot, finalReplies, OTHER_USER, type Rig, startRig, USER } from '../helpers/rig.ts';

const skills = (inv: Invocation) => (inv.body.skills ?? []).map((s) => s.path?.split('/').pop());

describe('/investigate', () => {
  let rig: Rig;
  const cw = new CloudWatchEmulator({ region: 'us-west-2', account: '123456789012' });
  beforeAll(async () => {
    await cw.start();
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cw.url;
    rig = await startRig({ cloudwatch: cw, env: { COMMAND_ACCESS: `/investigate=${USER}` } });
    putCheckout5xxAlarm(cw, 'Checkout returns server errors');
  });
  afterAll(async () => {
    await rig.close();
    await cw.stop();
    delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
  });

  it('reads the alarm and its history from CloudWatch and investigates it under a root naming it', async () => {
    rig.harness.enqueue(answer('The load balancer targets failed health checks.'));
    const root = await commandRoot(rig, { command: '/investigate', text: 'checkout 5xx', user: USER });
    expect(root.text).toMatch(/Investigation of alarm checkout 5xx/);
    await finalReplies(rig, CHANNEL, root.ts);
    const inv = rig.harness.invocations.at(-1)!;
    const prompt = userText(inv);
    expect(prompt).toMatch(/Alarm: checkout 5xx/);
    expect(prompt).toMatch(/State: ALARM \(was OK\), changed at \d{4}-/);
    expect(prompt).toMatch(
      /AWS\/ApplicationELB HTTPCode_Target_5XX_Count, sum over 60 s, GreaterThanThreshold 25 for 3 period\(s\)/,
    );
    expect(prompt).toMatch(/LoadBalancer=app\/checkout\/50dc6c495c0c9188/);
    expect(prompt).toMatch(/Account: 123456789012; Region: us-west-2/);
    expect(prompt).toMatch(/CloudWatch alarm history\): INSUFFICIENT_DATA -> OK at .*; OK -> ALARM at/);
    expect(skills(inv)).toEqual(['app-service-log-analysis', 'aws-best-practice-research']);
    const ops = cw.calls.map((c) => c.op);
    expect(ops).toContain('DescribeAlarms');
    expect(ops).toContain('DescribeAlarmHistory');
  });

  it('an ARN names its Region; an unknown alarm, bad input and strangers get a private answer and nothing runs', async () => {
    const before = rig.harness.invocations.length;
    const roots = rig.slack.rootMessages(CHANNEL).length;
    const ask = async (text: string, user = USER) => {
      const r = await rig.slack.slashCommand({ command: '/investigate', text, user, channel: CHANNEL });
      return r;
    };
    await ask('no-such-alarm eu-west-1');
    await rig.slack.waitFor(
      () => rig.slack.ephemerals.find((e) => /has no alarm named `no-such-alarm` in eu-west-1/.test(e.text)),
      8000,
      'the not-found answer',
    );
    const bad = await ask('arn:aws:cloudwatch:us-east-1:123456789012:alarm:x us-east-1');
    expect(bad.body).toMatch(/names its own Region/);
    const help = await ask('');
    expect(help.body).toMatch(/Usage of `\/investigate`/);
    const stranger = await ask('checkout 5xx', OTHER_USER);
    expect(stranger.body).toMatch(/limited to/);
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.harness.invocations.length).toBe(before);
    expect(rig.slack.rootMessages(CHANNEL).length).toBe(roots);
  });
});
