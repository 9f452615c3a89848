import * as path from 'node:path';
import { IgnoreMode, SecretValue } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type SkillName, skillPath } from '../../../src/core/skills.ts';
import { type GatewayTool, renderTools, type ToolSpec } from '../../../src/harness-catalog.ts';
import { fisAlarmPrefix, HARNESS_ENV, REPORTS_DIR } from '../fis-contract.ts';
import { harnessSystemPrompt } from '../harness-prompt.ts';
import type { Settings } from '../settings.ts';
import { McpGateway } from './mcp-gateway.ts';
import { SKILLS_PREFIX, type SkillsBucket } from './skills-bucket.ts';

/** Where the bot (src/config.ts SKILLS_BASE_PATH default) and the image (Dockerfile COPY) put the skills. */
export const SKILLS_BASE_PATH = '/opt/.agents/skills/';

/** The environment variables the agent's shell sees: the FIS contract as deployed. */
export function harnessEnvironment(
  s: Settings,
  fisExperimentRoleArn: string,
  fisLogGroupArn?: string,
  fisReportBucket?: string,
  otherAccounts = true,
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
    ...(otherAccounts ? targetAccountEnvironment(s) : {}),
  };
}

/** Other accounts the agent may read (only when configured): alias=role ARN pairs, and the external id. */
export function targetAccountEnvironment(s: Settings): Record<string, string> {
  if (s.targetAccounts.length === 0) return {};
  const externalId = s.bot.TARGET_ACCOUNT_EXTERNAL_ID;
  return {
    TARGET_ACCOUNTS: s.targetAccounts.map((a) => `${a.alias}=${a.roleArn}`).join(','),
    ...(externalId ? { TARGET_ACCOUNT_EXTERNAL_ID: externalId } : {}),
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
  /** AgentCore harness name. */
  name: string;
  /** The harness's tools, from the definition the bot reads too (src/harness-catalog.ts). */
  tools: readonly ToolSpec[];
  /** The skills it loads. */
  skills: readonly SkillName[];
  /** The harness image, when another harness of the stack already builds it. */
  image?: ecrAssets.DockerImageAsset;
  /** skillsSource=s3: load the skills from this bucket instead of the image. */
  skillsBucket?: SkillsBucket;
  /** Lifecycle hooks on the harness (e.g. the tool guard, harness-tool-guard.ts). */
  hooks?: agentcore.CfnHarness.HarnessHookProperty[];
  /**
   * Tell the agent about the other accounts (targetAccounts). Only the default harness: the read-only role in
   * those accounts trusts its execution role alone (target-account-stack.ts), so another harness could not
   * assume it and must not be told it can.
   */
  otherAccounts?: boolean;
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
  /** The Gateways this harness's tools reach (existing and created); its role may invoke exactly these. */
  readonly gatewayArns: string[] = [];
  /** The tool list with the ARNs of created Gateways filled in: what the bot repeats (HARNESS_TOOLS). */
  readonly toolSpecs: ToolSpec[];

  constructor(scope: Construct, id: string, props: HarnessProps) {
    super(scope, id);
    const s = props.settings;

    this.image =
      props.image ??
      new ecrAssets.DockerImageAsset(this, 'Image', {
        directory: props.repoRoot,
        file: path.join('harness-container', 'Dockerfile'),
        platform: ecrAssets.Platform.LINUX_ARM64,
        // Stage only what the Dockerfile copies: the build context is the repo root, so allow-list it.
        ignoreMode: IgnoreMode.DOCKER,
        exclude: ['*', '!harness-container/Dockerfile', '!harness-container/aws-cli-team.asc', '!skills'],
      });
    this.image.repository.grantPull(props.executionRole);

    // Gateways the stack creates for this harness, one per tool that asks for one.
    const created = new Map<GatewayTool, string>();
    for (const t of props.tools) {
      if (t.type !== 'agentcore_gateway') continue;
      const arn =
        t.gatewayArn ??
        new McpGateway(this, `Gateway-${t.name}`, {
          name: `${props.name}-${t.name}`.replace(/_/g, '-').slice(0, 100),
          target: t.create!,
        }).gatewayArn;
      if (!t.gatewayArn) created.set(t, arn);
      this.gatewayArns.push(arn);
    }
    this.toolSpecs = props.tools.map((t) =>
      t.type === 'agentcore_gateway' && created.has(t)
        ? { type: t.type, name: t.name, gatewayArn: created.get(t)! }
        : t,
    );
    const tools = renderTools(props.tools, {
      gatewayArn: (t) => created.get(t)!,
      // Resolved by CloudFormation at deploy time: the value is in no template, setting or log.
      header: (ref) =>
        SecretValue.secretsManager(
          ref.secretArn,
          ref.jsonKey ? { jsonField: ref.jsonKey } : {},
        ).unsafeUnwrap(),
    });
    const skillsBase = props.skillsBucket?.baseUri ?? SKILLS_BASE_PATH;

    this.harness = new agentcore.CfnHarness(this, 'Resource', {
      harnessName: props.name,
      executionRoleArn: props.executionRole.roleArn,
      environmentArtifact: { containerConfiguration: { containerUri: this.image.imageUri } },
      model: { bedrockModelConfig: { modelId: s.modelId, maxTokens: s.modelMaxTokens } },
      systemPrompt: [
        {
          text: harnessSystemPrompt({
            skillsBasePath: skillsBase,
            templateTagKey: s.fisTemplateTagKey,
            templateTagValue: s.fisTemplateTagValue,
            targetTagKey: s.fisTargetTagKey,
            targetTagValue: s.fisTargetTagValue,
            fisExperimentRoleArnVariable: HARNESS_ENV.fisExperimentRoleArn,
            reportsDir: REPORTS_DIR,
            otherAccounts: (props.otherAccounts ?? true) && s.targetAccounts.length > 0,
          }),
        },
      ],
      // What the FIS skills read from the shell environment (deploy/lib/fis-contract.ts).
      environmentVariables: harnessEnvironment(
        s,
        props.fisExperimentRoleArn,
        props.fisLogGroupArn,
        props.fisReportBucket,
        props.otherAccounts ?? true,
      ),
      skills: props.skills.map((name) =>
        props.skillsBucket
          ? { s3: { uri: `${skillPath(skillsBase, name)}/` } }
          : { path: skillPath(SKILLS_BASE_PATH, name) },
      ),
      tools,
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
    if (props.skillsBucket) {
      // The skills must be in the bucket before the harness loads them, and the harness may read them.
      this.harness.node.addDependency(props.skillsBucket.deployment);
      props.skillsBucket.bucket.grantRead(props.executionRole, `${SKILLS_PREFIX}*`);
    }
    if (this.gatewayArns.length > 0) {
      // The harness signs its calls to its Gateways with this role: exactly these Gateways.
      const gatewayAccess = new iam.Policy(this, 'GatewayAccess', {
        roles: [props.executionRole],
        statements: [
          new iam.PolicyStatement({
            sid: 'InvokeOwnGateways',
            actions: ['bedrock-agentcore:InvokeGateway'],
            resources: this.gatewayArns,
          }),
        ],
      });
      this.harness.node.addDependency(gatewayAccess);
    }

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
