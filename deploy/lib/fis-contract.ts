/**
 * The contract between the deploy (what IAM allows) and the FIS skills in skills/ (what the agent is told to do).
 * Every value here is either written into the stack or passed to the harness; test/skills/contract.test.ts checks
 * that the skills name the same tags, environment variables, actions and limits. Change a value here and the test
 * points at every skill file that has to follow.
 */

/** Tag the agent puts on every FIS template and stop-condition alarm it creates; the bot starts only such templates. */
export const FIS_TEMPLATE_TAG = { key: 'managed-by', value: 'agentcore-slack-bot' } as const;

/** Opt-in tag a resource must carry before the FIS experiment role may act on it. */
export const FIS_TARGET_TAG = { key: 'fis-allowed', value: 'true' } as const;

/** Environment variables the harness sets for the agent's shell (CfnHarness environmentVariables). */
export const HARNESS_ENV = {
  /** ARN of the pre-created FIS experiment role: the only role a template may name. */
  fisExperimentRoleArn: 'FIS_EXPERIMENT_ROLE_ARN',
  /** The template tag as deployed (settings may override the defaults above). */
  fisTemplateTagKey: 'FIS_TEMPLATE_TAG_KEY',
  fisTemplateTagValue: 'FIS_TEMPLATE_TAG_VALUE',
  /** The target opt-in tag as deployed. */
  fisTargetTagKey: 'FIS_TARGET_TAG_KEY',
  fisTargetTagValue: 'FIS_TARGET_TAG_VALUE',
  /** Where every skill writes its report. */
  reportsDir: 'REPORTS_DIR',
  /** The CloudWatch log group experiments log to (the template's logConfiguration). */
  fisLogGroupArn: 'FIS_LOG_GROUP_ARN',
  /** The S3 bucket FIS writes experiment reports to (the template's experimentReportConfiguration). */
  fisReportBucket: 'FIS_REPORT_BUCKET',
  /** Name prefix every stop-condition alarm the agent creates must start with (IAM allows no other name). */
  fisAlarmPrefix: 'FIS_ALARM_PREFIX',
} as const;

/** Key prefix of experiment reports in the report bucket; the experiment role may write only there. */
export const FIS_REPORT_PREFIX = 'fis-reports/';

/**
 * What the experiment role needs for experiment reports, as the FIS user guide lists them
 * (https://docs.aws.amazon.com/fis/latest/userguide/experiment-report-configuration.html): write and read
 * the report objects, and read the dashboards whose widgets the report captures.
 */
export const FIS_REPORT_PERMISSIONS = [
  's3:PutObject',
  's3:GetObject',
  'cloudwatch:GetDashboard',
  'cloudwatch:GetMetricWidgetImage',
] as const;

/** What the experiment role needs to log experiments (delivery setup, then writes to the stack's experiment log group only). */
export const FIS_LOGGING_PERMISSIONS = [
  'logs:CreateLogDelivery',
  'logs:PutResourcePolicy',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
] as const;

/** The prefix of the stop-condition alarms the agent may create in this stack (the stack name keeps stacks apart). */
export function fisAlarmPrefix(stackName: string): string {
  return `${stackName}-fis-stop-`;
}

/** Every skill writes its report here (skills/README.md, each SKILL.md). */
export const REPORTS_DIR = '/tmp/reports/';

/**
 * The FIS actions the deployed experiment role can carry out, each with the IAM actions it needs from that role
 * (on resources tagged with FIS_TARGET_TAG where IAM supports it). The prepare skill offers only these by default;
 * anything else needs the role extended first (deploy/README.md, "Extending the FIS experiment role").
 */
export const FIS_ACTION_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  // kms:CreateGrant: restarting an instance whose EBS volumes use a customer managed key needs a grant for EC2,
  // or the instances stay stopped after the experiment.
  'aws:ec2:stop-instances': [
    'ec2:StopInstances',
    'ec2:StartInstances',
    'ec2:DescribeInstances',
    'kms:CreateGrant',
  ],
  'aws:ec2:reboot-instances': ['ec2:RebootInstances', 'ec2:DescribeInstances'],
  'aws:ec2:terminate-instances': ['ec2:TerminateInstances', 'ec2:DescribeInstances'],
  'aws:ec2:send-spot-instance-interruptions': ['ec2:SendSpotInstanceInterruptions', 'ec2:DescribeInstances'],
  'aws:eks:terminate-nodegroup-instances': [
    'ec2:TerminateInstances',
    'ec2:DescribeInstances',
    'eks:DescribeNodegroup',
  ],
  'aws:rds:reboot-db-instances': ['rds:RebootDBInstance', 'rds:DescribeDBInstances'],
  'aws:rds:failover-db-cluster': ['rds:FailoverDBCluster', 'rds:DescribeDBClusters'],
  'aws:ecs:stop-task': ['ecs:StopTask', 'ecs:DescribeTasks', 'ecs:ListTasks'],
  'aws:ssm:send-command': ['ssm:SendCommand', 'ssm:ListCommands', 'ssm:CancelCommand'],
  // The first step of every template the prepare skill writes: the stop alarms must be OK before any fault starts.
  'aws:cloudwatch:assert-alarm-state': ['cloudwatch:DescribeAlarms'],
};

/** The FIS action ids the deployed experiment role supports. */
export const FIS_SUPPORTED_ACTIONS: readonly string[] = Object.keys(FIS_ACTION_PERMISSIONS);

/** Name prefix of the only SSM documents aws:ssm:send-command may run (the AWS-owned FIS documents). */
export const FIS_SSM_DOCUMENT_PREFIX = 'AWSFIS-Run-';

/**
 * Upper bound, in minutes, on how long the execute skill watches one experiment inside the resumed invocation
 * (monitoring plus the recovery watch). It must fit under the harness timeout with room for the report.
 */
export const EXECUTE_MAX_WATCH_MINUTES = 45;
/** Longest single monitor.sh chunk the execute skill runs, in minutes. */
export const EXECUTE_MONITOR_CHUNK_MINUTES = 5;
