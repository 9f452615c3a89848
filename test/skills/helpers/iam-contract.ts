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
import {
  type AwsCommand,
  iamActionsFor,
  requestsFor as sharedRequestsFor,
} from '../../../src/doctor/skill-actions.ts';

const { partition: P, region: R, account: A } = SIM_ENV;

/** The skills' requests as the doctor makes them (src/doctor/skill-actions.ts), in the sample account. */
function requestsFor(action: string, fisRoleArn: string, targetRoleArns: readonly string[]): Request[] {
  return sharedRequestsFor(action, {
    ...SIM_ENV,
    fisRoleArn,
    targetRoleArns,
    templateTag: FIS_TEMPLATE_TAG,
    // The prefix the default stack gives the harness (synth() uses it).
    alarmPrefix: fisAlarmPrefix('AgentCoreSlackBot'),
  });
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
  /** The other accounts' roles configured for the stack (TARGET_ACCOUNTS); assume-role is checked on each. */
  targetRoleArns: readonly string[] = [],
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
      for (const req of requestsFor(action, fisRoleArn, targetRoleArns)) {
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
