import type { TargetAccount } from '../../src/core/target-accounts.ts';
import type { HarnessSettings } from './harness-settings.ts';

/** The deployment settings after validation (settings.ts reads them from CDK context). */

export type SlackMode = 'socket' | 'http';
export type HarnessMemory = 'managed' | 'disabled';
/** Managed memory strategy types the harness accepts. */
export const MEMORY_STRATEGIES = ['SEMANTIC', 'SUMMARIZATION', 'USER_PREFERENCE'] as const;
export type MemoryStrategy = (typeof MEMORY_STRATEGIES)[number];

export interface Settings extends HarnessSettings {
  /** Target account and region; when both are unset the stack is environment-agnostic (offline synth). */
  account: string | undefined;
  region: string | undefined;
  stackName: string;
  /** AgentCore harness name: [a-zA-Z][a-zA-Z0-9_]{0,39} (no hyphens). */
  harnessName: string;
  /** Bedrock inference-profile id, e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0. */
  modelId: string;
  modelMaxTokens: number;
  harnessMaxIterations: number;
  harnessTimeoutSeconds: number;
  harnessIdleTimeoutSeconds: number;
  harnessMaxLifetimeSeconds: number;
  harnessMemory: HarnessMemory;
  /**
   * The before_tool_call tool-guard hook (harness-tool-guard.ts). On by default: its Lambda reads and answers the
   * payload AgentCore documents (deploy/test/tool-guard-contract.test.ts). `off` removes the hook and its function.
   */
  harnessToolGuard: 'on' | 'off';
  /** AgentCore Memory event retention, 7–365 days. */
  memoryEventExpiryDays: number;
  /** Managed memory's long-term strategies; unset = the service default (SEMANTIC, SUMMARIZATION). */
  memoryStrategies: MemoryStrategy[] | undefined;
  /** Customer managed KMS key for managed memory (cannot be changed after the harness is created). */
  memoryKmsKeyArn: string | undefined;
  /** VPC network mode for the harness: both set, or neither (PUBLIC). */
  harnessSubnetIds: string[];
  harnessSecurityGroupIds: string[];
  /** EKS clusters (in the deploy region) that get an access entry for the harness role (read-only view). */
  eksClusters: string[];
  /** owner/repo whose GitHub Actions may assume the deploy role; unset: no deploy role is created. */
  githubRepository: string | undefined;
  /** Branch the deploy role trusts (refs/heads/<branch>). */
  githubBranch: string;
  /** The account's existing GitHub OIDC provider (one per account); unset: the stack creates it. */
  githubOidcProviderArn: string | undefined;
  /** Page when at least this percentage of turns fail in 15 minutes… */
  alarmFailureRatePercent: number;
  /** …and there were at least this many turns. */
  alarmMinTurns: number;
  /**
   * Other accounts the agent may read, from the bot setting TARGET_ACCOUNTS parsed by the bot's own parser: the
   * harness may assume exactly these roles, the ones the bot names to the agent.
   */
  targetAccounts: TargetAccount[];
  /** The bot's environment variables given through the deploy, validated by the bot's schema. */
  bot: Record<string, string>;
  /** Tag every FIS template and alarm the agent creates must carry, and every template the bot starts must have. */
  fisTemplateTagKey: string;
  fisTemplateTagValue: string;
  /** Tag a resource must carry before the FIS experiment role may act on it (opt-in blast radius). */
  fisTargetTagKey: string;
  fisTargetTagValue: string;
  /** Existing Secrets Manager secret name holding the Slack tokens; unset = the stack creates an empty one. */
  slackSecretName: string | undefined;
  slackMode: SlackMode;
  /** ACM certificate for the HTTPS listener (HTTP mode only; Slack only calls https:// request URLs). */
  certificateArn: string | undefined;
  /** CloudWatch Transaction Search for the account and Region (one setting there: opt-in, one stack). */
  transactionSearch: 'on' | 'off';
  /** Percentage of spans X-Ray indexes as trace summaries (1 is free). */
  transactionSearchIndexingPercent: number;
  /** Retention of the bot's and the harness runtime's log groups. */
  logRetentionDays: number;
  desiredCount: number;
  natGateways: number;
  alarmEmail: string | undefined;
}
