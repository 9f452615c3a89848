/**
 * cdk-nag (AwsSolutions) findings this stack keeps on purpose, each scoped to a rule and the construct it is about,
 * with the reason. acknowledgeNagFindings records them with CDK's Validations.of(...).acknowledge on exactly the
 * finding ids cdk-nag reports (IAM5 findings name the wildcard, e.g. "AwsSolutions-IAM5[Action::ec2:Describe*]"), so
 * anything new, or the same rule on another construct, is still reported (deploy/test/nag.test.ts fails on it).
 */
import { type Stack, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagJustification {
  /** The finding id, e.g. AwsSolutions-IAM5[Resource::*]. */
  rule: RegExp;
  /** Construct path below the stack. */
  path: RegExp;
  reason: string;
}

const ROLE_POLICY = (role: string) => new RegExp(`^${role}/Role/DefaultPolicy/Resource$`);
/** The default harness's execution role and each further harness's (HarnessExecutionRole-<id>). */
const HARNESS_ROLES = 'HarnessExecutionRole(?:-[a-z][a-z0-9]*)?';
/** CDK's BucketDeployment singleton that uploads skills/ (skillsSource=s3); its id carries a fixed hash. */
const BUCKET_DEPLOYMENT = /^Custom::CDKBucketDeployment[0-9A-F]+\//;

export const NAG_JUSTIFICATIONS: readonly NagJustification[] = [
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:\/aws\/(bedrock-agentcore\/runtimes|lambda)\/\*\]$/,
    path: /^HarnessRuntimeLogs\/Role\/DefaultPolicy\/Resource$/,
    reason:
      "CDK's LogRetention function: create-if-missing and retention on the AgentCore runtime log groups (their ids are known only after deploy), and its own function's log group, whose name CloudFormation generates",
  },
  {
    rule: /^AwsSolutions-IAM5\[Action::[a-z0-9-]+:(Describe|List|Get)\*\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason:
      'Read-only assessment: read verbs only (deploy/test/iam.test.ts checks every wildcard completes only Describe/List/Get), secret-bearing reads explicitly denied',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: new RegExp(
      `^(${HARNESS_ROLES}|FisExperimentRole|BotTaskRole)/Role/DefaultPolicy/Resource$|^Bot/Task/ExecutionRole/DefaultPolicy/Resource$`,
    ),
    reason:
      'Actions without resource-level permissions (reads, X-Ray, ecr:GetAuthorizationToken, log delivery, fis:ListExperiments) or denies; deploy/test/iam.test.ts allows a write on "*" only from its reasoned list',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:(ec2|rds|ecs):<AWS::Region>:<AWS::AccountId>:(instance|db|cluster|task)\/?\*?:?\*?\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason:
      'FIS targets: any instance, database or task, but only those carrying the opt-in target tag (aws:ResourceTag condition)',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:rds:\*:<AWS::AccountId>:(db|cluster):\*\]$/,
    path: ROLE_POLICY('BotTaskRole'),
    reason:
      "rds:DescribeDBInstances / rds:DescribeDBClusters only (read): RDS experiment targets' descriptions and health, in whichever Region an experiment runs, this account's databases only",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key\/\*\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason:
      'kms:CreateGrant for EC2 restarting stopped instances with encrypted volumes: only for AWS resources, only via EC2',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:\*:document\/AWSFIS-Run-\*\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason: 'The AWS-owned AWSFIS-Run-* SSM documents only (empty account in their ARN)',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<FisExperimentLogs[0-9A-F]+\.Arn>:\*\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason: "Log streams of this stack's experiment log group only",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<FisExperimentRoleReports[0-9A-F]+\.Arn>\/fis-reports\/\*\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason:
      "Experiment report objects under fis-reports/ of this stack's report bucket only (one object per experiment)",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:cloudwatch::<AWS::AccountId>:dashboard\/\*\]$/,
    path: ROLE_POLICY('FisExperimentRole'),
    reason:
      "cloudwatch:GetDashboard (read only) for experiment reports: the dashboard is named by each template the agent prepares, so it cannot be known at deploy time; this account's dashboards only",
  },
  {
    rule: /^AwsSolutions-S1$/,
    path: /^FisExperimentRole\/Reports\/Resource$/,
    reason:
      'Report bucket: only the FIS experiment role writes to it (TLS only, public access blocked, encrypted); server access logs would need a second bucket for little gain; CloudTrail data events are the audit path if a team needs one',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:fis:<AWS::Region>:<AWS::AccountId>:experiment(-template)?\/\*\]$/,
    path: ROLE_POLICY('FisStartRole'),
    reason:
      'Start-only role: templates carrying the managed-by tag (aws:ResourceTag condition) and the experiment FIS creates at start (its id is not known before); each start assumes it with a session policy naming the one approved template',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<HarnessToolGuardFunction[0-9A-F]+\.Arn>:\*\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason: "Invoking the tool-guard hook function's versions and aliases only (grantInvoke)",
  },
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: /^HarnessToolGuard\/Function\/ServiceRole\/Resource$/,
    reason:
      'The tool-guard function only writes its own logs (CreateLogGroup/CreateLogStream/PutLogEvents); it calls no AWS API',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:bedrock:\*::foundation-model\/[^\]]+\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason: 'The configured model in every region its cross-region inference profile routes to',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:\/aws\/bedrock-agentcore\/\*(:log-stream:\*)?\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason:
      "AgentCore writes the harness's logs under /aws/bedrock-agentcore/ with ids only known at run time",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ssm:\*:\*:parameter\/aws\/service\/\*\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason: "AWS's public parameters only (reserved /aws/ prefix), any region the EKS skill reads",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:fis:<AWS::Region>:<AWS::AccountId>:(action|experiment|experiment-template)\/\*\]$/,
    path: new RegExp(`^(${HARNESS_ROLES}|BotTaskRole)/Role/DefaultPolicy/Resource$`),
    reason:
      'FIS ids are generated; starts and updates are limited to templates carrying the ownership tag, creation to requests carrying it',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:[A-Za-z0-9-]+-fis-stop-\*\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason: "Stop-condition alarms under this stack's prefix only, tagged, never with actions",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<SessionsTable[0-9A-F]+\.Arn>\/index\/\*\]$/,
    path: ROLE_POLICY('BotTaskRole'),
    reason: "The indexes of the bot's own table (grantReadWriteData)",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:(iam::<AWS::AccountId>:role\/cdk-\*-<AWS::AccountId>-<AWS::Region>|cloudformation:<AWS::Region>:<AWS::AccountId>:stack\/[A-Za-z0-9-]+\/\*)\]$/,
    path: ROLE_POLICY('GithubDeployRole'),
    reason:
      "CDK bootstrap roles of this account and region (tag-conditioned), and this stack's own id suffix",
  },
  {
    rule: /^AwsSolutions-EC23$/,
    path: /^Bot\/LoadBalancer\/SecurityGroup\/Resource$/,
    reason:
      'HTTP mode: Slack calls the request URL from addresses it does not publish; HTTPS only, signatures verified',
  },
  {
    rule: /^AwsSolutions-ELB2$/,
    path: /^Bot\/LoadBalancer\/Resource$/,
    reason: 'Access logs need a bucket with its own lifecycle; the bot logs every Slack request it handles',
  },
  {
    rule: /^AwsSolutions-ECS2$/,
    path: /^Bot\/Task\/Resource$/,
    reason: 'The environment holds only non-secret settings; tokens come from Secrets Manager (ECS secrets)',
  },
  {
    rule: /^AwsSolutions-SMG4$/,
    path: /^SlackSecret\/Secret\/Resource$/,
    reason: 'Slack tokens are issued and rotated in Slack, not by a Secrets Manager rotation function',
  },
  {
    rule: /^AwsSolutions-IAM5\[(Action::s3:(GetObject|GetBucket|List)\*|Resource::<SkillsBucket[0-9A-F]+\.Arn>\/skills\/\*)\]$/,
    path: ROLE_POLICY(HARNESS_ROLES),
    reason:
      "skillsSource=s3: CDK's read grant (grantRead) on the skills/ prefix of this stack's skills bucket, which the harness loads its skills from with its execution role; read-only, no other bucket or prefix",
  },
  {
    rule: /^AwsSolutions-S1$/,
    path: /^Skills\/Bucket\/Resource$/,
    reason:
      'Skills bucket: written only by the deployment (BucketDeployment), read by the harness roles (TLS only, public access blocked, encrypted, versioned); CloudTrail data events are the audit path if a team needs one',
  },
  {
    rule: /^AwsSolutions-(IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]|L1)$/,
    path: BUCKET_DEPLOYMENT,
    reason:
      "CDK's own BucketDeployment function (skillsSource=s3): CDK picks its runtime and log permissions; it runs only during a deploy, to copy skills/ into the bucket",
  },
  {
    rule: /^AwsSolutions-IAM5\[(Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*|Resource::<SkillsBucket[0-9A-F]+\.Arn>\/\*|Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-(<AWS::AccountId>|\d{12})-(<AWS::Region>|[a-z0-9-]+)\/\*)\]$/,
    path: BUCKET_DEPLOYMENT,
    reason:
      "CDK's BucketDeployment copies the skills asset from the CDK bootstrap asset bucket into this stack's skills bucket (read there, write and prune here); it runs only during a deploy",
  },
  {
    rule: /^AwsSolutions-VPC7$/,
    path: /^Bot\/Vpc\/Resource$/,
    reason: 'The VPC holds only the bot task (outbound only); flow logs cost more than they tell here',
  },
];

/** What cdk-nag reports for the stack: finding id and construct path below the stack. */
export function nagFindings(stack: Stack): Array<{ rule: string; path: string; construct: IConstruct }> {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: (r.constructPath ?? '').slice(stack.node.path.length + 1),
      construct: byPath.get(r.constructPath ?? '')!,
    })),
  );
}

/**
 * A finding id as it reads for an environment-agnostic stack: a stack deployed with an explicit account and
 * region has them literally in its ARNs, where the justifications name <AWS::AccountId> and <AWS::Region>.
 */
function agnosticRule(rule: string, stack: Stack): string {
  let out = rule;
  if (!Token.isUnresolved(stack.account)) out = out.split(`:${stack.account}:`).join(':<AWS::AccountId>:');
  if (!Token.isUnresolved(stack.region)) out = out.split(`:${stack.region}:`).join(':<AWS::Region>:');
  return out;
}

/** Acknowledges the justified findings on their constructs; returns the justifications that matched. */
export function acknowledgeNagFindings(stack: Stack): Set<NagJustification> {
  const used = new Set<NagJustification>();
  for (const f of nagFindings(stack)) {
    const rule = agnosticRule(f.rule, stack);
    const j = NAG_JUSTIFICATIONS.find((x) => x.rule.test(rule) && x.path.test(f.path));
    if (!j) continue;
    used.add(j);
    Validations.of(f.construct).acknowledge({ id: f.rule, reason: j.reason });
  }
  return used;
}
