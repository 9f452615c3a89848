import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface BotTaskRoleProps {
  harnessArn: string;
  /** The stack's further harnesses (one per function): invoked the same way, on their DEFAULT endpoint. */
  moreHarnessArns?: readonly string[];
  /** The harness endpoint the bot invokes (its HARNESS_QUALIFIER; unset means DEFAULT). */
  harnessEndpoint?: string;
  table: dynamodb.ITable;
  /** Only templates carrying this tag (as the harness must tag them) can be started. */
  templateTagKey: string;
  templateTagValue: string;
}

/**
 * What the running bot may do: talk to this one harness, read/write its own table, read templates, stop and
 * watch FIS experiments, read stop-condition alarms and resolve targets by tag. Starting needs the
 * start-only role (fis-start-role.ts). Nothing else.
 */
export class BotTaskRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BotTaskRoleProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      description: 'Task role of the AgentCore Slack bot',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:${region}:${account}:*` },
        },
      }),
    });

    // AWS authorizes each call on the harness and on the endpoint it addresses (the catalogue lists
    // both resource types as required; invoking the endpoint sub-resource is what CDK's own runtime
    // grants cover). No InvokeAgentRuntimeForUser: the bot sends no runtime user id, which buys
    // nothing for a SigV4 caller (the harness does not propagate it) and would let this role act
    // for any user id.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeThisHarnessOnly',
        actions: [
          'bedrock-agentcore:InvokeHarness',
          'bedrock-agentcore:InvokeAgentRuntime',
          'bedrock-agentcore:InvokeAgentRuntimeCommand',
          'bedrock-agentcore:StopRuntimeSession',
        ],
        resources: [
          props.harnessArn,
          `${props.harnessArn}/harness-endpoint/${props.harnessEndpoint ?? 'DEFAULT'}`,
          ...(props.moreHarnessArns ?? []).flatMap((arn) => [arn, `${arn}/harness-endpoint/DEFAULT`]),
        ],
      }),
    );

    props.table.grantReadWriteData(this.role);

    const template = `arn:${partition}:fis:${region}:${account}:experiment-template/*`;
    const experiment = `arn:${partition}:fis:${region}:${account}:experiment/*`;
    // No fis:StartExperiment here: starts go through the start-only role (fis-start-role.ts), assumed
    // per approval with a session policy for that one template.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ControlExperiments',
        actions: ['fis:StopExperiment', 'fis:GetExperiment'],
        resources: [experiment],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTemplates',
        // The approval card lists a multi-account template's target accounts.
        actions: ['fis:GetExperimentTemplate', 'fis:ListTargetAccountConfigurations'],
        resources: [template],
      }),
    );
    // Stop-condition alarms are read before a card is posted, again before the start, and after the
    // experiment (recovery). Read-only, and on `*` because CloudWatch returns composite alarms only to a
    // caller whose DescribeAlarms/DescribeAlarmHistory permission is scoped to `*` (API reference).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStopConditionAlarms',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: ['*'],
      }),
    );
    // Blast radius: the bot resolves tag-based targets as FIS will, before the card and again at start.
    // tag:GetResources has no resource-level permissions; it only reads tags.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResolveTargetsByTag',
        actions: ['tag:GetResources'],
        resources: ['*'],
      }),
    );
    // EC2 instance targets: descriptions evaluate the template's filters and give the AZs (card and start), and
    // instance status tells whether they recovered after the experiment. EC2's Describe* calls take no
    // resource-level permissions.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadInstanceTargets',
        actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'],
        resources: ['*'],
      }),
    );
    // ECS task targets: after the experiment, whether the services of the tasks it hit run their desired count
    // again, in whichever Region the experiment ran. Read-only; on `*`, which for ECS (no resource policies, so
    // no cross-account reads) is this account's tasks and services in any Region, as an ARN pattern would be.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEcsTaskTargets',
        actions: ['ecs:DescribeTasks', 'ecs:DescribeServices'],
        resources: ['*'],
      }),
    );
    // RDS targets (aws:rds:db, aws:rds:cluster): their descriptions (FIS filters, AZs) and, after the
    // experiment, whether they and a cluster's members are available again. Both List-level actions take
    // the db / cluster resource type, so they are held to this account's instances and clusters (a describe
    // that names none is authorized on the `db:*` / `cluster:*` pattern of the account).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRdsTargets',
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
        resources: [`arn:${partition}:rds:*:${account}:db:*`, `arn:${partition}:rds:*:${account}:cluster:*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListExperiments',
        // ListExperiments takes no resource ARN.
        actions: ['fis:ListExperiments'],
        resources: ['*'],
      }),
    );
  }
}
