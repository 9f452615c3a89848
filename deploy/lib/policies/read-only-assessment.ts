/**
 * Read-only AWS actions the harness agent may call while it assesses a workload (best-practice research, EKS
 * assessment, chaos research, log analysis, FIS preparation). Every entry is a Describe/List/Get-style read; the
 * wildcards only ever complete a read prefix (e.g. ec2:Describe*), never a service or a write verb. Most of these
 * APIs do not support resource-level permissions, so the resource is "*".
 *
 * Deliberately absent: anything that returns secret material or object data (secretsmanager:GetSecretValue,
 * ssm:GetParameter*, s3:GetObject, lambda:GetFunction* (code URL, environment), kms:Decrypt) and every write.
 */
export const READ_ONLY_ASSESSMENT_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'tag:GetResources',
  'tag:GetTagKeys',
  'tag:GetTagValues',
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
  's3:ListAllMyBuckets',
  // Serverless and messaging (configuration metadata, not code or environment)
  'lambda:ListFunctions',
  'lambda:ListEventSourceMappings',
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
