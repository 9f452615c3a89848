/**
 * The harness role's FIS preparation rights, evaluated as deployed by a real policy evaluator: stop-condition alarms
 * only under this stack's prefix and never with alarm actions, and no way to tag an existing FIS template into the
 * set of templates the bot will start.
 */
import { describe, expect, it } from 'vitest';
import { FIS_TEMPLATE_TAG } from '../lib/fis-contract.ts';
import { evaluate, identityPoliciesOf, principalOf, SIM_ENV } from './helpers/iam-eval.ts';
import { logicalId, synth } from './helpers/synth.ts';

const s = synth({ stackName: 'OpsBot' });
const json = s.json;
s.cleanup();
const roleId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
const policies = identityPoliciesOf(json, roleId);
const principal = principalOf(json, roleId);
const { partition, region, account } = SIM_ENV;
const alarm = (name: string) => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
const ownTag = {
  [`aws:RequestTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value,
  'aws:TagKeys': [FIS_TEMPLATE_TAG.key],
};
const decide = async (req: Parameters<typeof evaluate>[2]) =>
  (await evaluate(policies, principal, req))[0]!.decision;

describe('stop-condition alarms', () => {
  it('may create a tagged alarm without actions under this stack’s prefix', async () => {
    expect(
      await decide({
        action: 'cloudwatch:PutMetricAlarm',
        resource: alarm('OpsBot-fis-stop-h1-5xx'),
        context: ownTag,
      }),
    ).toBe('Allowed');
  });

  it('may not create or overwrite an alarm outside the prefix (someone else’s, another stack’s)', async () => {
    for (const name of ['prod-orders-latency', 'OtherBot-fis-stop-h1-5xx', 'fis-stop-h1-5xx'])
      expect(
        await decide({ action: 'cloudwatch:PutMetricAlarm', resource: alarm(name), context: ownTag }),
        name,
      ).not.toBe('Allowed');
  });

  it('may never put alarm actions on an alarm, even under the prefix', async () => {
    const topic = `arn:${partition}:sns:${region}:${account}:pager`;
    for (const action of [topic, `arn:${partition}:automate:${region}:ec2:terminate`])
      expect(
        await decide({
          action: 'cloudwatch:PutMetricAlarm',
          resource: alarm('OpsBot-fis-stop-h1-5xx'),
          context: { ...ownTag, 'cloudwatch:AlarmActions': [action] },
        }),
      ).toBe('ExplicitlyDenied');
  });
});

describe('FIS templates', () => {
  const template = `arn:${partition}:fis:${region}:${account}:experiment-template/EXT0123456789abc`;

  it('cannot tag an existing template (someone else’s) with the ownership tag the bot starts on', async () => {
    expect(await decide({ action: 'fis:TagResource', resource: template, context: ownTag })).not.toBe(
      'Allowed',
    );
  });

  it('still creates templates carrying the tag, and only those', async () => {
    expect(
      await decide({ action: 'fis:CreateExperimentTemplate', resource: template, context: ownTag }),
    ).toBe('Allowed');
    expect(
      await decide({ action: 'fis:CreateExperimentTemplate', resource: template, context: {} }),
    ).not.toBe('Allowed');
  });
});
