import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FIS_REPORT_PREFIX, FIS_SSM_DOCUMENT_PREFIX } from '../fis-contract.ts';

export interface FisExperimentRoleProps {
  /** The log group experiments log to; the role may deliver logs there. */
  logGroupArn?: string;
  /** Only resources carrying this tag (key=value) can be disrupted by an experiment. */
  targetTagKey: string;
  targetTagValue: string;
}

/**
 * The role AWS FIS assumes while an experiment runs. Trusted by fis.amazonaws.com only for experiments in this
 * account and region (confused-deputy conditions). It may only act on resources that opted in with the target tag,
 * and only with the permissions of the FIS actions in FIS_ACTION_PERMISSIONS (deploy/lib/fis-contract.ts): stop,
 * start, reboot and terminate EC2 instances, spot interruptions, node-group instance termination, RDS
 * reboot/failover, ECS task stop, and the AWSFIS-Run-* SSM documents (stress on tagged instances). The prepare
 * skill offers exactly those actions; deploy/test/iam.test.ts checks that the two lists agree.
 */
export class FisExperimentRole extends Construct {
  readonly role: iam.Role;
  /** Where FIS writes experiment reports (PDF and widget images) for templates that configure one. */
  readonly reportBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FisExperimentRoleProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);
    const tagged = { StringEquals: { [`aws:ResourceTag/${props.targetTagKey}`]: props.targetTagValue } };

    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by AWS FIS to run experiments the Slack bot started after human approval',
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:fis:${region}:${account}:experiment/*` },
        },
      }),
    });

    if (props.logGroupArn) {
      // Experiment logging to CloudWatch Logs: FIS sets up a log delivery as this role. CreateLogDelivery and
      // the resource policy calls have no resource-level permissions; writing is limited to the one log group.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ExperimentLogDelivery',
          actions: [
            'logs:CreateLogDelivery',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ExperimentLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [props.logGroupArn, `${props.logGroupArn}:*`],
        }),
      );
    }

    // Experiment reports (FIS user guide, "Experiment report configurations for AWS FIS"): private,
    // encrypted, TLS only, kept a year; the role may write and read report objects under the prefix only,
    // and read dashboards (their widget images go into the report).
    this.reportBucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteExperimentReports',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.reportBucket.arnForObjects(`${FIS_REPORT_PREFIX}*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDashboardsForReports',
        actions: ['cloudwatch:GetDashboard'],
        resources: [`arn:${partition}:cloudwatch::${account}:dashboard/*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // GetMetricWidgetImage has no resource-level permissions.
        sid: 'RenderWidgetsForReports',
        actions: ['cloudwatch:GetMetricWidgetImage'],
        resources: ['*'],
      }),
    );

    const ec2Instance = `arn:${partition}:ec2:${region}:${account}:instance/*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DisruptTaggedEc2Instances',
        actions: [
          'ec2:StopInstances',
          'ec2:StartInstances',
          'ec2:RebootInstances',
          'ec2:TerminateInstances',
          'ec2:SendSpotInstanceInterruptions',
        ],
        resources: [ec2Instance],
        conditions: tagged,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // aws:ec2:stop-instances restarts the instances at the end; EBS volumes encrypted with a customer managed key
        // need EC2 to get a grant on that key, created as this role. Only grants for AWS resources, only via EC2.
        sid: 'RestartInstancesWithEncryptedVolumes',
        actions: ['kms:CreateGrant'],
        resources: [`arn:${partition}:kms:${region}:${account}:key/*`],
        conditions: {
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringEquals: { 'kms:ViaService': `ec2.${region}.amazonaws.com` },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DisruptTaggedRds',
        actions: ['rds:RebootDBInstance', 'rds:FailoverDBCluster'],
        resources: [
          `arn:${partition}:rds:${region}:${account}:db:*`,
          `arn:${partition}:rds:${region}:${account}:cluster:*`,
        ],
        conditions: tagged,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StopTaggedEcsTasks',
        actions: ['ecs:StopTask'],
        resources: [`arn:${partition}:ecs:${region}:${account}:task/*`],
        conditions: tagged,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunFisSsmDocumentsOnTaggedInstances',
        actions: ['ssm:SendCommand'],
        resources: [ec2Instance],
        conditions: tagged,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunOnlyAwsFisSsmDocuments',
        actions: ['ssm:SendCommand'],
        // AWS-owned documents have an empty account in their ARN, which "*" matches; account documents cannot
        // use the reserved AWS prefix, so this still names only the AWSFIS-Run-* documents AWS publishes.
        resources: [`arn:${partition}:ssm:${region}:*:document/${FIS_SSM_DOCUMENT_PREFIX}*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // FIS cancels its own stress commands when an experiment stops; these APIs take no resource ARN.
        sid: 'ManageOwnSsmCommands',
        actions: ['ssm:CancelCommand', 'ssm:ListCommands'],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResolveTargets',
        actions: [
          'ec2:DescribeInstances',
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
          'ecs:DescribeTasks',
          'ecs:ListTasks',
          'eks:DescribeNodegroup',
          'tag:GetResources',
          // aws:cloudwatch:assert-alarm-state reads the stop alarms' state.
          'cloudwatch:DescribeAlarms',
        ],
        resources: ['*'],
      }),
    );
  }
}
