import * as path from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ALL_SKILLS, skillPath } from '../../../src/core/skills.ts';
import { fisAlarmPrefix, HARNESS_ENV, REPORTS_DIR } from '../fis-contract.ts';
import { harnessSystemPrompt } from '../harness-prompt.ts';
import type { Settings } from '../settings.ts';

/** Where the bot (src/config.ts SKILLS_BASE_PATH default) and the image (Dockerfile COPY) put the skills. */
export const SKILLS_BASE_PATH = '/opt/.agents/skills/';

/** The public AWS Knowledge MCP server, attached as a remote_mcp tool. */
export const AWS_KNOWLEDGE_MCP_URL = 'https://knowledge-mcp.global.api.aws';

/** The environment variables the agent's shell sees: the FIS contract as deployed. */
export function harnessEnvironment(
  s: Settings,
  fisExperimentRoleArn: string,
  fisLogGroupArn?: string,
  fisReportBucket?: string,
): Record<string, string> {
  return {
    [HARNESS_ENV.fisExperimentRoleArn]: fisExperimentRoleArn,
    [HARNESS_ENV.fisTemplateTagKey]: s.fisTemplateTagKey,
    [HARNESS_ENV.fisTemplateTagValue]: s.fisTemplateTagValue,
    [HARNESS_ENV.fisTargetTagKey]: s.fisTargetTagKey,
    [HARNESS_ENV.fisTargetTagValue]: s.fisTargetTagValue,
    [HARNESS_ENV.reportsDir]: REPORTS_DIR,
    ...(fisLogGroupArn ? { [HARNESS_ENV.fisLogGroupArn]: fisLogGroupArn } : {}),
    ...(fisReportBucket ? { [HARNESS_ENV.fisReportBucket]: fisReportBucket } : {}),
    [HARNESS_ENV.fisAlarmPrefix]: fisAlarmPrefix(s.stackName),
    ...targetAccountEnvironment(s),
  };
}

/** Other accounts the agent may read (only when configured): aliases, the role to assume there, the external id. */
export function targetAccountEnvironment(s: Settings): Record<string, string> {
  if (s.targetAccounts.length === 0) return {};
  return {
    TARGET_ACCOUNTS: s.targetAccounts.map((a) => `${a.alias}=${a.accountId}`).join(','),
    TARGET_ACCOUNT_ROLE_NAME: s.targetAccountRoleName,
    ...(s.targetAccountExternalId ? { TARGET_ACCOUNT_EXTERNAL_ID: s.targetAccountExternalId } : {}),
  };
}

/** PUBLIC, or VPC mode in the given subnets (to reach private endpoints such as a private EKS API). */
export function harnessNetwork(s: Settings): agentcore.CfnHarness.NetworkConfigurationProperty {
  if (s.harnessSubnetIds.length === 0) return { networkMode: 'PUBLIC' };
  return {
    networkMode: 'VPC',
    networkModeConfig: { subnets: s.harnessSubnetIds, securityGroups: s.harnessSecurityGroupIds },
  };
}

/** Managed memory with its retention, strategies and key, or none. */
export function harnessMemory(s: Settings): agentcore.CfnHarness.HarnessMemoryConfigurationProperty {
  if (s.harnessMemory !== 'managed') return { disabled: {} };
  return {
    managedMemoryConfiguration: {
      eventExpiryDuration: s.memoryEventExpiryDays,
      ...(s.memoryStrategies ? { strategies: s.memoryStrategies } : {}),
      ...(s.memoryKmsKeyArn ? { encryptionKeyArn: s.memoryKmsKeyArn } : {}),
    },
  };
}

export interface HarnessProps {
  settings: Settings;
  repoRoot: string;
  executionRole: iam.Role;
  /** The pre-created role FIS assumes; templates the agent prepares must name it. */
  fisExperimentRoleArn: string;
  /** Where FIS experiments log (the template's logConfiguration). */
  fisLogGroupArn?: string;
  /** The experiment report bucket (FIS_REPORT_BUCKET). */
  fisReportBucket?: string;
  /** Lifecycle hooks on the harness (e.g. the tool guard, harness-tool-guard.ts). */
  hooks?: agentcore.CfnHarness.HarnessHookProperty[];
}

/**
 * The harness image (built from harness-container/Dockerfile for linux/arm64 at deploy time; synth only hashes the
 * files) and the AgentCore harness that runs it.
 */
export class Harness extends Construct {
  readonly image: ecrAssets.DockerImageAsset;
  readonly harness: agentcore.CfnHarness;
  /** arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id> */
  readonly harnessArn: string;

  constructor(scope: Construct, id: string, props: HarnessProps) {
    super(scope, id);
    const s = props.settings;

    this.image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: props.repoRoot,
      file: path.join('harness-container', 'Dockerfile'),
      platform: ecrAssets.Platform.LINUX_ARM64,
      // Stage only what the Dockerfile copies: the build context is the repo root, so allow-list it.
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['*', '!harness-container/Dockerfile', '!harness-container/aws-cli-team.asc', '!skills'],
    });
    this.image.repository.grantPull(props.executionRole);

    this.harness = new agentcore.CfnHarness(this, 'Resource', {
      harnessName: s.harnessName,
      executionRoleArn: props.executionRole.roleArn,
      environmentArtifact: { containerConfiguration: { containerUri: this.image.imageUri } },
      model: { bedrockModelConfig: { modelId: s.modelId, maxTokens: s.modelMaxTokens } },
      systemPrompt: [
        {
          text: harnessSystemPrompt({
            skillsBasePath: SKILLS_BASE_PATH,
            templateTagKey: s.fisTemplateTagKey,
            templateTagValue: s.fisTemplateTagValue,
            targetTagKey: s.fisTargetTagKey,
            targetTagValue: s.fisTargetTagValue,
            fisExperimentRoleArnVariable: HARNESS_ENV.fisExperimentRoleArn,
            reportsDir: REPORTS_DIR,
            otherAccounts: s.targetAccounts.length > 0,
          }),
        },
      ],
      // What the FIS skills read from the shell environment (deploy/lib/fis-contract.ts).
      environmentVariables: harnessEnvironment(
        s,
        props.fisExperimentRoleArn,
        props.fisLogGroupArn,
        props.fisReportBucket,
      ),
      skills: ALL_SKILLS.map((name) => ({ path: skillPath(SKILLS_BASE_PATH, name) })),
      tools: [
        {
          type: 'remote_mcp',
          name: 'aws-knowledge-mcp',
          config: { remoteMcp: { url: AWS_KNOWLEDGE_MCP_URL } },
        },
      ],
      environment: {
        agentCoreRuntimeEnvironment: {
          lifecycleConfiguration: {
            idleRuntimeSessionTimeout: s.harnessIdleTimeoutSeconds,
            maxLifetime: s.harnessMaxLifetimeSeconds,
          },
          networkConfiguration: harnessNetwork(s),
        },
      },
      memory: harnessMemory(s),
      maxIterations: s.harnessMaxIterations,
      timeoutSeconds: s.harnessTimeoutSeconds,
      tags: [{ key: 'app', value: 'agentcore-slack-bot' }],
      ...(props.hooks?.length ? { hooks: props.hooks } : {}),
    });
    // The role's policies (ECR pull above all) must exist before AgentCore validates the harness.
    this.harness.node.addDependency(props.executionRole);
    this.harnessArn = this.harness.attrArn;

    if (s.harnessMemory === 'managed') {
      // Kept outside the role's construct: it refers to the harness, which itself depends on the role.
      new iam.Policy(this, 'MemoryAccess', {
        roles: [props.executionRole],
        statements: [
          new iam.PolicyStatement({
            sid: 'UseOwnManagedMemory',
            actions: [
              'bedrock-agentcore:CreateEvent',
              'bedrock-agentcore:GetEvent',
              'bedrock-agentcore:ListEvents',
              'bedrock-agentcore:ListSessions',
              'bedrock-agentcore:RetrieveMemoryRecords',
              'bedrock-agentcore:ListMemoryRecords',
              'bedrock-agentcore:GetMemoryRecord',
            ],
            resources: [this.harness.attrMemoryManagedMemoryConfigurationArn],
          }),
        ],
      });
    }
  }
}
