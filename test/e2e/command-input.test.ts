import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('slash command input', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { FIS_APPROVERS: '' } });
  });
  afterAll(async () => {
    await rig.close();
  });

  const bad: Array<[string, string, RegExp]> = [
    ['/assess', '', /Usage of `\/assess`/],
    ['/assess', 'help', /Usage of `\/assess`/],
    ['/assess', 'eks', /Missing an EKS cluster name/],
    ['/assess', 'eks my-cluster us-west-9', /not an AWS Region I know/],
    ['/assess', 'eks my-cluster us-west-2 extra', /Unexpected `us-west-2 extra`/],
    ['/assess', 'eks bad;name', /is not an EKS cluster name/],
    ['/chaos', '', /Usage of `\/chaos`/],
    ['/fis', '', /Usage of `\/fis`/],
    ['/fis', 'launch EXT123', /`launch` is not a `\/fis` subcommand/],
    ['/fis', 'prepare', /Say what the experiment should test/],
    ['/fis', 'run not-a-template', /is not an experiment template id/],
    ['/logs', '/aws/lambda/x 99y', /Unexpected `99y`/],
    ['/logs', '/aws/lambda/x 90d', /between 5m and 30d/],
  ];

  it.each(bad)('%s %s → ephemeral usage, nothing posted or invoked', async (command, text, expected) => {
    const posts = rig.slack.callsTo('chat.postMessage').length;
    const invocations = rig.harness.invocations.length;
    const res = await rig.slack.slashCommand({ command, text, user: USER, channel: CHANNEL });
    expect(res.status).toBe(200);
    const ack = JSON.parse(res.body) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toMatch(expected);
    await new Promise((r) => setTimeout(r, 100));
    expect(rig.slack.callsTo('chat.postMessage').length).toBe(posts);
    expect(rig.harness.invocations.length).toBe(invocations);
  });

  it('/fis run refuses clearly and invokes nothing when no approvers are configured', async () => {
    const invocations = rig.harness.invocations.length;
    const res = await rig.slack.slashCommand({
      command: '/fis',
      text: 'run EXT1a2b3c4d5e6f7 us-east-1',
      user: USER,
      channel: CHANNEL,
    });
    const ack = JSON.parse(res.body) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toMatch(/nothing was started/i);
    expect(ack.text).toContain('FIS_APPROVERS');
    await new Promise((r) => setTimeout(r, 100));
    expect(rig.harness.invocations.length).toBe(invocations);
  });

  it('fills a missing region with the configured default and sends each command its own skill', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      [
        '/assess',
        'rds orders-db',
        'aws-best-practice-research',
        /rds, resource "orders-db", in region us-west-2/,
      ],
      ['/chaos', 'dynamodb', 'aws-service-chaos-research', /dynamodb in region us-west-2/],
      [
        '/fis',
        'prepare stop one instance of the web ASG',
        'aws-fis-experiment-prepare',
        /stop one instance of the web ASG/,
      ],
      [
        '/logs',
        '/aws/lambda/checkout 24h eu-west-1',
        'app-service-log-analysis',
        /"\/aws\/lambda\/checkout" in region eu-west-1 over the last 24h/,
      ],
    ];
    for (const [command, text, skill, prompt] of cases) {
      rig.harness.enqueue(answer('ok'));
      const n = rig.harness.invocations.length;
      await rig.slack.slashCommand({ command, text, user: USER, channel: CHANNEL });
      const [inv] = (await rig.harness.waitForInvocations(n + 1)).slice(n);
      expect(inv!.body.skills).toEqual([{ path: `/opt/.agents/skills/${skill}` }]);
      expect(userText(inv!)).toMatch(prompt);
    }
  });
});
