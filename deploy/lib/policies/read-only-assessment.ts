/**
 * Read-only AWS actions the harness agent may call while it assesses a workload (best-practice research, EKS
 * assessment, chaos research, log analysis, FIS preparation). Every entry is a Describe/List/Get-style read; the
 * wildcards only ever complete a read prefix (e.g. ec2:Describe*), never a service or a write verb. Most of these
 * APIs do not support resource-level permissions, so the resource is "*".
 *
 * Deliberately absent: anything that returns secret material or object data (secretsmanager:GetSecretValue,
 * private SSM parameters, s3:GetObject, kms:Decrypt) and every write. Reads that the wildcards above would
 * otherwise grant but that return secrets are in SECRET_BEARING_READS and explicitly denied.
 *
 * The skills use exactly these: test/skills/iam-contract.test.ts maps every AWS CLI command in skills/ to its
 * IAM actions and evaluates them against the synthesized role.
 */
export const READ_ONLY_ASSESSMENT_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'tag:GetResources',
  'tag:GetTagKeys',
  'tag:GetTagValues',
  // Cost and usage (the cost skill's fallback when the billing Gateway is absent); no purchase or budget writes
  'ce:GetCostAndUsage',
  'ce:GetCostForecast',
  'ce:GetDimensionValues',
  // Compute, networking, load balancing
  'ec2:Describe*',
  'autoscaling:Describe*',
  'elasticloadbalancing:Describe*',
  // Containers
  'eks:Describe*',
  'eks:List*',
  'ecs:Describe*',
  'ecs:List*',
  'ecr:DescribeRepositories',
  'ecr:DescribeImages',
  'ecr:DescribeImageScanFindings',
  // Data stores (metadata only)
  'rds:Describe*',
  'rds:ListTagsForResource',
  'dynamodb:DescribeTable',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:ListTables',
  'elasticache:Describe*',
  's3:GetBucketLocation',
  's3:GetBucketVersioning',
  's3:GetBucketPolicyStatus',
  's3:GetEncryptionConfiguration',
  's3:GetBucketPublicAccessBlock',
  's3:GetLifecycleConfiguration',
  's3:GetReplicationConfiguration',
  's3:GetBucketLogging',
  's3:ListAllMyBuckets',
  'kafka:DescribeClusterV2',
  'es:DescribeDomain',
  'application-autoscaling:DescribeScalableTargets',
  // Serverless and messaging (configuration metadata that carries no environment variables or code)
  'lambda:ListEventSourceMappings',
  'lambda:GetFunctionConcurrency',
  'lambda:GetFunctionEventInvokeConfig',
  'sqs:ListQueues',
  'sqs:GetQueueAttributes',
  'sns:ListTopics',
  // Observability: metrics, alarms and log reads for log analysis
  'cloudwatch:Describe*',
  'cloudwatch:Get*',
  'cloudwatch:List*',
  'logs:Describe*',
  'logs:Get*',
  'logs:FilterLogEvents',
  'logs:StartQuery',
  'logs:StopQuery',
  'xray:GetServiceGraph',
  'xray:GetTraceSummaries',
  'xray:BatchGetTraces',
  // What changed: CloudTrail management events and CodeDeploy deployments (log analysis correlation)
  'cloudtrail:LookupEvents',
  'cloudtrail:DescribeTrails',
  'codedeploy:ListDeployments',
  // Findings other AWS services already computed (best-practice research, EKS assessment)
  'securityhub:GetFindings',
  'config:DescribeComplianceByResource',
  'compute-optimizer:GetEC2InstanceRecommendations',
  'backup:ListProtectedResources',
  'guardduty:ListDetectors',
  'guardduty:GetDetector',
  'aps:ListScrapers',
  // Identity (to review the roles a workload uses)
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListInstanceProfilesForRole',
  // Quotas and health
  'servicequotas:GetServiceQuota',
  'servicequotas:ListServiceQuotas',
  'health:DescribeEvents',
  // AWS FIS: read everything (templates, experiments, actions, target types)
  'fis:Get*',
  'fis:List*',
];

/**
 * Public SSM parameters AWS publishes (for example the recommended EKS AMI ids under /aws/service/eks/). The
 * harness may read these and no other parameter: account parameters can hold secrets.
 */
export const PUBLIC_SSM_PARAMETER_PATH = 'aws/service/*';

/**
 * Reads that return secret material although they look like metadata. The role denies them explicitly,
 * so no wildcard above and no policy attached later can grant them:
 * - EC2 and launch-template user data (bootstrap scripts often carry tokens and passwords), the console
 *   output that echoes it, and Windows password data;
 * - Auto Scaling launch configurations (they include the user data);
 * - ECS task definitions (container environment values);
 * - every Lambda call that returns the function's environment variable values (GetFunction,
 *   GetFunctionConfiguration, ListFunctions, ListVersionsByFunction) or its code;
 * - Secrets Manager values, and unmasking CloudWatch Logs data protected by a data protection policy.
 * Log events themselves stay readable: reading arbitrary log groups is what log analysis is for, and the
 * skill redacts every sample before it is written or printed (skills/app-service-log-analysis).
 */
export const SECRET_BEARING_READS: readonly string[] = [
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:GetLaunchTemplateData',
  'ec2:GetConsoleOutput',
  'ec2:GetConsoleScreenshot',
  'ec2:GetPasswordData',
  'autoscaling:DescribeLaunchConfigurations',
  'ecs:DescribeTaskDefinition',
  'lambda:GetFunction',
  'lambda:GetFunctionConfiguration',
  'lambda:ListFunctions',
  'lambda:ListVersionsByFunction',
  'lambda:GetLayerVersion',
  'secretsmanager:GetSecretValue',
  'logs:Unmask',
];
