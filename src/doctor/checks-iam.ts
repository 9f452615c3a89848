/**
 * IAM, judged by IAM's own policy simulator (iam:SimulatePrincipalPolicy) against the roles as they are:
 * the bot's role for every call the bot makes, the harness execution role for its image, its model, its
 * logs and traces, and every read the skills run (the skill-to-IAM list the contract test uses).
 */

import { ecrRepositoryArn, harnessEnv, roleName, roleOfCaller } from './arns.ts';
import { botRequests, templateTagOf } from './bot-calls.ts';
import { type Check, fail, type Outcome, pass, skip } from './check.ts';
import { readyHarness } from './checks-harness.ts';
import { awsOf, type DoctorContext, once, Prerequisite } from './context.ts';
import type { SimulationRequest, SimulationResult } from './ports.ts';
import { skillRequests } from './skill-actions.ts';

/** The bot's role: --bot-role, or the doctor's own identity when it runs as the bot (a one-off ECS task). */
export async function botRole(ctx: DoctorContext): Promise<string> {
  if (ctx.botRoleArn) return ctx.botRoleArn;
  const caller = await once(ctx, 'caller', () => awsOf(ctx).callerArn());
  const role = roleOfCaller(caller);
  if (!role)
    throw new Prerequisite(
      `the doctor runs as ${caller}, not as the bot's role: pass --bot-role <BotTaskRole ARN> (a stack output) to check it`,
    );
  return role;
}

/** Denied requests as one FAIL line (with the statement that allows them) or one PASS. */
function verdict(
  results: SimulationResult[],
  role: string,
  what: string,
  fix: (denied: SimulationResult[]) => string,
): Outcome {
  const denied = results.filter((r) => r.decision !== 'allowed');
  if (denied.length === 0) return pass(`${role} may make all ${results.length} ${what}`);
  const list = denied.map(
    (d) => `${d.action} on ${d.resource}${d.decision === 'explicitDeny' ? ' (explicit deny)' : ''}`,
  );
  return fail(`${roleName(role)} may not ${list.join('; ')}`, fix(denied));
}

/** The IAM statement that would allow the denied requests (explicit denies need the deny removed). */
export function statementFor(denied: SimulationResult[]): string {
  const actions = [...new Set(denied.map((d) => d.action))];
  const resources = [...new Set(denied.map((d) => d.resource))];
  const deny = denied.some((d) => d.decision === 'explicitDeny') ? ' and remove the explicit deny' : '';
  return `add to the role's policy${deny}: ${JSON.stringify({ Effect: 'Allow', Action: actions, Resource: resources })}`;
}

async function simulate(
  ctx: DoctorContext,
  role: string,
  reqs: SimulationRequest[],
): Promise<SimulationResult[]> {
  return awsOf(ctx).simulate(role, reqs);
}

export const iamBotRole: Check<DoctorContext> = {
  id: 'iam.bot-role',
  title: "the bot's role may make every AWS call the bot makes (harness, table, FIS)",
  async run(ctx) {
    const role = await botRole(ctx);
    const h = await readyHarness(ctx).catch(() => undefined);
    const reqs = botRequests(ctx.config, templateTagOf(h));
    return verdict(await simulate(ctx, role, reqs), role, 'calls the bot makes', statementFor);
  },
};

export const iamHarnessImage: Check<DoctorContext> = {
  id: 'iam.harness-image',
  title: 'the harness execution role can pull its container image from ECR',
  async run(ctx) {
    const h = await readyHarness(ctx);
    if (!h.containerUri) return skip('the harness uses no custom container image');
    const { partition } = harnessEnv(h.arn);
    const repo = ecrRepositoryArn(h.containerUri, partition);
    if (!repo) return skip(`${h.containerUri} is not an ECR image`);
    const results = await simulate(ctx, h.executionRoleArn, [
      { action: 'ecr:GetAuthorizationToken', resource: '*' },
      { action: 'ecr:BatchGetImage', resource: repo },
      { action: 'ecr:GetDownloadUrlForLayer', resource: repo },
    ]);
    const name = roleName(h.executionRoleArn);
    return verdict(
      results,
      h.executionRoleArn,
      'image pulls',
      () =>
        `sessions fail with "ECR access denied … ecr:GetAuthorizationToken": aws iam attach-role-policy --role-name ${name} --policy-arn arn:${partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
    );
  },
};

export const iamHarnessObservability: Check<DoctorContext> = {
  id: 'iam.harness-observability',
  title: 'the harness execution role can write its CloudWatch logs and X-Ray traces',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const { partition: P, region: R, account: A } = harnessEnv(h.arn);
    const group = `arn:${P}:logs:${R}:${A}:log-group:/aws/bedrock-agentcore/runtimes/${h.agentRuntimeId ?? 'runtime'}-DEFAULT`;
    const results = await simulate(ctx, h.executionRoleArn, [
      { action: 'logs:CreateLogGroup', resource: group },
      { action: 'logs:CreateLogStream', resource: `${group}:log-stream:session` },
      { action: 'logs:PutLogEvents', resource: `${group}:log-stream:session` },
      { action: 'xray:PutTraceSegments', resource: '*' },
      { action: 'xray:PutTelemetryRecords', resource: '*' },
    ]);
    return verdict(
      results,
      h.executionRoleArn,
      'log and trace writes',
      (denied) =>
        `${statementFor(denied)} (or attach CloudWatchLogsFullAccess and AWSXRayDaemonWriteAccess); without them the harness runs blind: no logs, no traces`,
    );
  },
};

export const iamHarnessModel: Check<DoctorContext> = {
  id: 'iam.harness-model',
  title: 'the harness execution role can invoke its model',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const id = h.bedrockModelId;
    if (!id) return skip('the harness uses a model outside Bedrock');
    const { partition: P, region: R, account: A } = harnessEnv(h.arn);
    const resource = id.startsWith('arn:') ? id : `arn:${P}:bedrock:${R}:${A}:inference-profile/${id}`;
    const results = await simulate(ctx, h.executionRoleArn, [
      { action: 'bedrock:InvokeModel', resource },
      { action: 'bedrock:InvokeModelWithResponseStream', resource },
    ]);
    return verdict(results, h.executionRoleArn, 'model calls', statementFor);
  },
};

export const iamHarnessSkills: Check<DoctorContext> = {
  id: 'iam.harness-skills',
  title: 'the harness execution role allows every AWS call the skills make (the skill-to-IAM contract)',
  async run(ctx) {
    if (!ctx.skills) return skip('the skills are not next to the doctor (skills/)');
    const h = await readyHarness(ctx);
    const env = harnessEnv(h.arn);
    const fisRoleArn =
      h.environmentVariables.FIS_EXPERIMENT_ROLE_ARN ??
      `arn:${env.partition}:iam::${env.account}:role/fis-experiment-role`;
    const reqs = skillRequests(ctx.skills, {
      ...env,
      fisRoleArn,
      templateTag: templateTagOf(h),
      alarmPrefix: h.environmentVariables.FIS_ALARM_PREFIX,
      // alias=role ARN pairs, as the deploy gives them to the harness.
      targetRoleArns: (h.environmentVariables.TARGET_ACCOUNTS ?? '')
        .split(',')
        .map((pair) => pair.slice(pair.indexOf('=') + 1).trim())
        .filter((arn) => arn.startsWith('arn:')),
    });
    const results = await simulate(
      ctx,
      h.executionRoleArn,
      reqs.map(({ action, resource, context }) => ({
        action,
        resource: resource ?? '*',
        ...(context ? { context } : {}),
      })),
    );
    return verdict(results, h.executionRoleArn, 'calls the skills make', statementFor);
  },
};

export const IAM_CHECKS = [
  iamBotRole,
  iamHarnessImage,
  iamHarnessModel,
  iamHarnessObservability,
  iamHarnessSkills,
];
