import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  PUBLIC_SSM_PARAMETER_PATH,
  READ_ONLY_ASSESSMENT_ACTIONS,
  SECRET_BEARING_READS,
} from '../policies/read-only-assessment.ts';
import type { SkillGrants } from '../policies/skill-grants.ts';
import { foundationModelId } from '../settings.ts';

export interface HarnessExecutionRoleProps {
  /** Bedrock inference-profile id the harness uses. */
  modelId: string;
  /** The only role this role may pass, and only to FIS. */
  fisExperimentRole: iam.IRole;
  /** Tag the agent must put on every FIS template and CloudWatch alarm it creates. */
  templateTagKey: string;
  templateTagValue: string;
  /** Name prefix of the only CloudWatch alarms the agent may create (this stack's). */
  alarmNamePrefix: string;
  /**
   * What the skills this harness loads need (skill-grants.ts): reads, FIS preparation, alarms, stops. Unset: the
   * default harness, which loads every skill and also answers open-ended conversations, keeps the whole policy.
   */
  grants?: SkillGrants;
}

/**
 * The role the AgentCore harness (and the agent's shell in its microVM) runs as.
 *
 * It can read what the assessments need, prepare FIS experiments (create and tag templates and stop-condition
 * alarms, pass the FIS experiment role to FIS), stop a running experiment, and call its model. It has no IAM write
 * permission: templates name the pre-created FIS experiment role, whose ARN reaches the agent as the
 * FIS_EXPERIMENT_ROLE_ARN environment variable and in the system prompt. It can never start an FIS experiment: that is
 * absent from every allow statement and explicitly denied, because the bot starts experiments itself after a human
 * approves them in Slack.
 *
 * That is the default harness's role. A further harness's role (`grants`) keeps the model, logs and denies but
 * allows only what the skills it loads run: a cost harness reads Cost Explorer and prepares no experiment.
 */
export class HarnessExecutionRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HarnessExecutionRoleProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      description: 'Execution role of the AgentCore harness behind the Slack bot (no fis:StartExperiment)',
      assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:bedrock-agentcore:${region}:${account}:harness/*` },
        },
      }),
    });

    // Model invocation: the inference profile, and the foundation model it routes to in any of its regions.
    const profileArn = `arn:${partition}:bedrock:${region}:${account}:inference-profile/${props.modelId}`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeConfiguredModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [
          profileArn,
          `arn:${partition}:bedrock:*::foundation-model/${foundationModelId(props.modelId)}`,
        ],
      }),
    );

    // Observability: the harness writes its logs under /aws/bedrock-agentcore/ and sends traces to X-Ray.
    const agentCoreLogs = `arn:${partition}:logs:${region}:${account}:log-group:/aws/bedrock-agentcore/*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [agentCoreLogs, `${agentCoreLogs}:log-stream:*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'XRayTraces',
        // X-Ray has no resource-level permissions for these.
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AgentCoreMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'bedrock-agentcore' } },
      }),
    );

    // Assessments: read-only, and for a harness scoped to some skills only the reads those skills use.
    const g = props.grants;
    const reads = g ? g.reads : READ_ONLY_ASSESSMENT_ACTIONS;
    if (reads.length > 0)
      this.role.addToPolicy(
        new iam.PolicyStatement({ sid: 'ReadOnlyAssessment', actions: [...reads], resources: ['*'] }),
      );
    if (!g || g.publicSsmParameters)
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadPublicSsmParameters',
          actions: ['ssm:GetParameter'],
          // Public parameters have an empty account in their ARN, which "*" matches; no account can create a
          // parameter under /aws/ (reserved prefix), so this reaches AWS's public parameters only. Any Region,
          // because the EKS skill reads the cluster's own Region.
          resources: [`arn:${partition}:ssm:*:*:parameter/${PUBLIC_SSM_PARAMETER_PATH}`],
        }),
      );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverReadSecretBearingData',
        effect: iam.Effect.DENY,
        actions: [...SECRET_BEARING_READS],
        resources: ['*'],
      }),
    );

    if (!g || g.fisPreparation) this.allowFisPreparation(props);
    if (!g || g.stopConditionAlarms) this.allowStopConditionAlarms(props);
    if (!g || g.stopExperiments) this.allowStoppingExperiments();
    // Denied on every harness, whatever its skills: the agent never puts actions on an alarm.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverAlarmActions',
        effect: iam.Effect.DENY,
        actions: ['cloudwatch:PutMetricAlarm'],
        resources: ['*'],
        conditions: { Null: { 'cloudwatch:AlarmActions': 'false' } },
      }),
    );

    // Defence in depth: even a policy attached later cannot let the agent start (or resume) experiments.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverStartExperiments',
        effect: iam.Effect.DENY,
        actions: ['fis:StartExperiment'],
        resources: ['*'],
      }),
    );
  }

  /** Tagged FIS templates (create, update own) and passing the one experiment role to FIS. */
  private allowFisPreparation(props: HarnessExecutionRoleProps): void {
    const { partition, region, account } = Stack.of(this);
    const requestTag = {
      StringEquals: { [`aws:RequestTag/${props.templateTagKey}`]: props.templateTagValue },
    };
    const template = `arn:${partition}:fis:${region}:${account}:experiment-template/*`;
    // Tags go on at creation (aws:RequestTag on CreateExperimentTemplate). No fis:TagResource: with it the agent could
    // put the ownership tag on someone else's template and so make it startable by the bot.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTaggedFisTemplates',
        actions: ['fis:CreateExperimentTemplate'],
        resources: [template],
        conditions: requestTag,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseFisActionsInTemplates',
        actions: ['fis:CreateExperimentTemplate'],
        resources: [`arn:${partition}:fis:${region}:${account}:action/*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UpdateOwnFisTemplates',
        actions: ['fis:UpdateExperimentTemplate'],
        resources: [template],
        conditions: {
          StringEquals: { [`aws:ResourceTag/${props.templateTagKey}`]: props.templateTagValue },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassOnlyTheFisExperimentRoleToFis',
        actions: ['iam:PassRole'],
        resources: [props.fisExperimentRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'fis.amazonaws.com' } },
      }),
    );
  }

  /**
   * Stop-condition alarms: only under this stack's name prefix (never someone else's alarm, never another stack's),
   * tagged as ours, and never with actions: an alarm action could notify, scale, stop or terminate on the agent's
   * behalf.
   */
  private allowStopConditionAlarms(props: HarnessExecutionRoleProps): void {
    const { partition, region, account } = Stack.of(this);
    const ownAlarms = `arn:${partition}:cloudwatch:${region}:${account}:alarm:${props.alarmNamePrefix}*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTaggedStopConditionAlarms',
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
        resources: [ownAlarms],
        conditions: {
          StringEquals: { [`aws:RequestTag/${props.templateTagKey}`]: props.templateTagValue },
          Null: { 'cloudwatch:AlarmActions': 'true' },
        },
      }),
    );
  }

  /**
   * Stopping is never gated (execute skill): the agent may stop any experiment in this account and Region, so it
   * can act at once when a stop alarm fires or someone in the thread asks. It still cannot start or resume one.
   */
  private allowStoppingExperiments(): void {
    const { partition, region, account } = Stack.of(this);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StopExperiments',
        actions: ['fis:StopExperiment'],
        resources: [`arn:${partition}:fis:${region}:${account}:experiment/*`],
      }),
    );
  }
}
