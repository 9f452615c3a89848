/**
 * The skill-to-IAM contract as a function: given the AWS CLI commands found in skill text and a role's
 * synthesized policies, list every command whose IAM actions are unknown to the catalogue or not allowed.
 * An empty list means every command the agent may run works under the deployed role.
 */
import { FIS_TEMPLATE_TAG, fisAlarmPrefix } from '../../../deploy/lib/fis-contract.ts';
import {
  actionInCatalogue,
  type Evaluation,
  evaluate,
  type NamedPolicy,
  type Request,
  SIM_ENV,
} from '../../../deploy/test/helpers/iam-eval.ts';
import { type AwsCommand, iamActionsFor } from './aws-cli.ts';

const { partition: P, region: R, account: A } = SIM_ENV;

/** The tags every template and alarm the agent creates carries (test/skills/contract.test.ts checks the text). */
const REQUEST_TAGS = {
  [`aws:RequestTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value,
  'aws:TagKeys': [FIS_TEMPLATE_TAG.key, 'hypothesis-id'],
};
const TEMPLATE_ARN = `arn:${P}:fis:${R}:${A}:experiment-template/EXTexample`;

/**
 * How AWS authorizes the FIS writes the skills run: which resources, which request context, and which
 * other action each needs (iam:PassRole for the template's role). Reads use the catalogue's sample ARNs.
 */
function requestsFor(action: string, fisRoleArn: string): Request[] {
  const passRole: Request = {
    action: 'iam:PassRole',
    resource: fisRoleArn,
    context: { 'iam:PassedToService': 'fis.amazonaws.com' },
  };
  switch (action) {
    case 'fis:CreateExperimentTemplate':
      return [
        { action, resource: `arn:${P}:fis:${R}:${A}:action/aws:ec2:stop-instances` },
        { action, resource: TEMPLATE_ARN, context: REQUEST_TAGS },
        passRole,
      ];
    case 'fis:UpdateExperimentTemplate':
      return [
        {
          action,
          resource: TEMPLATE_ARN,
          context: { [`aws:ResourceTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value },
        },
        passRole,
      ];
    case 'fis:TagResource':
      return [{ action, resource: TEMPLATE_ARN, context: REQUEST_TAGS }];
    case 'cloudwatch:PutMetricAlarm':
    case 'cloudwatch:TagResource':
      return [
        {
          action,
          // The name the skill builds from $FIS_ALARM_PREFIX, for the default stack (synth() uses it).
          resource: `arn:${P}:cloudwatch:${R}:${A}:alarm:${fisAlarmPrefix('AgentCoreSlackBot')}h1-alb-5xx`,
          context: REQUEST_TAGS,
        },
      ];
    default:
      return [{ action }];
  }
}

/** Resource a command names explicitly, where the sample ARN would not say the same thing. */
function resourceNamedBy(cmd: AwsCommand): string | undefined {
  if (cmd.service === 'ssm' && cmd.op === 'get-parameter') {
    const name = /--name\s+["']?(\/aws\/service\/[^"'\s]+)/.exec(cmd.text)?.[1];
    // A public parameter's ARN has an empty account, which the evaluator cannot take; the policy matches the
    // account with "*", so the sample account stands in for it.
    if (name) return `arn:${P}:ssm:${R}:${A}:parameter${name.replace(/\$\{?\w+\}?/g, 'example')}`;
  }
  return undefined;
}

export interface CommandFailure {
  where: string;
  command: string;
  action: string;
  problem: string;
}

/** Every command whose IAM actions are not in the catalogue, or not allowed for the role. */
export async function deniedCommands(
  commands: readonly (AwsCommand & { where: string })[],
  policies: NamedPolicy[],
  principal: string,
  fisRoleArn: string,
): Promise<CommandFailure[]> {
  const failures: CommandFailure[] = [];
  const cache = new Map<string, Evaluation[]>();
  for (const cmd of commands) {
    const command = `aws ${cmd.service} ${cmd.op}`;
    for (const action of iamActionsFor(cmd)) {
      if (!(await actionInCatalogue(action))) {
        failures.push({ where: cmd.where, command, action, problem: 'not an IAM action in the catalogue' });
        continue;
      }
      const named = resourceNamedBy(cmd);
      for (const req of requestsFor(action, fisRoleArn)) {
        const request = named && req.action === action ? { ...req, resource: named } : req;
        const key = JSON.stringify(request);
        let results = cache.get(key);
        if (!results) {
          results = await evaluate(policies, principal, request);
          cache.set(key, results);
        }
        for (const r of results.filter((x) => x.decision !== 'Allowed')) {
          failures.push({
            where: cmd.where,
            command,
            action: r.action,
            problem: `${r.decision} on ${r.resource}${r.detail ? ` (${r.detail})` : ''}`,
          });
        }
      }
    }
  }
  return failures;
}
