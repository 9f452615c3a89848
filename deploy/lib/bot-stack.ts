import { CfnOutput, Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ALL_SKILLS, SKILLS } from '../../src/core/skills.ts';
import { Alarms } from './constructs/alarms.ts';
import { BotService } from './constructs/bot-service.ts';
import { BotTaskRole } from './constructs/bot-task-role.ts';
import { EksAccess } from './constructs/eks-access.ts';
import { FisExperimentRole } from './constructs/fis-experiment-role.ts';
import { FisStartRole } from './constructs/fis-start-role.ts';
import { GithubDeployRole } from './constructs/github-deploy-role.ts';
import { Harness } from './constructs/harness.ts';
import { HarnessExecutionRole } from './constructs/harness-execution-role.ts';
import { HarnessToolGuard } from './constructs/harness-tool-guard.ts';
import { RuntimeLogRetention } from './constructs/runtime-log-retention.ts';
import { SessionsTable } from './constructs/sessions-table.ts';
import { SkillsBucket } from './constructs/skills-bucket.ts';
import { SlackSecret } from './constructs/slack-secret.ts';
import { TransactionSearch } from './constructs/transaction-search.ts';
import { fisAlarmPrefix } from './fis-contract.ts';
import { grantsOf, harnessEnvironmentForBot, skillsOf } from './harness-plan.ts';
import type { Settings } from './settings.ts';

export interface BotStackProps extends StackProps {
  settings: Settings;
  /** Repository root: build context of both container images. */
  repoRoot: string;
}

/** Everything one `cdk deploy` creates: harness, roles, table, Slack secret, the bot service and its alarms. */
export class BotStack extends Stack {
  readonly harness: Harness;
  /** One harness per function (settings `harnesses`), by id. */
  readonly namedHarnesses = new Map<string, Harness>();
  readonly harnessRole: HarnessExecutionRole;
  readonly fisRole: FisExperimentRole;
  readonly botRole: BotTaskRole;
  readonly bot: BotService;
  /** CloudWatch namespace of this stack's metrics: two stacks in one account never share one. */
  readonly metricsNamespace: string;

  /**
   * Two AZs resolved by CloudFormation at deploy time, so synth never needs an AZ lookup (and AWS credentials),
   * even when account and region are set.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }

  constructor(scope: Construct, id: string, props: BotStackProps) {
    super(scope, id, props);
    const s = props.settings;
    Tags.of(this).add('app', 'agentcore-slack-bot');
    this.metricsNamespace = `AgentCoreSlackBot/${this.stackName}`;

    // No fixed names on what outlives the stack: a second stack, or a redeploy after destroy, gets its own.
    const fisLogs = new logs.LogGroup(this, 'FisExperimentLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.fisRole = new FisExperimentRole(this, 'FisExperimentRole', {
      targetTagKey: s.fisTargetTagKey,
      targetTagValue: s.fisTargetTagValue,
      logGroupArn: fisLogs.logGroupArn,
    });
    this.harnessRole = new HarnessExecutionRole(this, 'HarnessExecutionRole', {
      modelId: s.modelId,
      fisExperimentRole: this.fisRole.role,
      templateTagKey: s.fisTemplateTagKey,
      templateTagValue: s.fisTemplateTagValue,
      alarmNamePrefix: fisAlarmPrefix(this.stackName),
    });
    const skillsBucket =
      s.skillsSource === 's3' ? new SkillsBucket(this, 'Skills', { repoRoot: props.repoRoot }) : undefined;
    const toolGuard =
      s.harnessToolGuard === 'on'
        ? new HarnessToolGuard(this, 'HarnessToolGuard', { executionRole: this.harnessRole.role })
        : undefined;
    this.harness = new Harness(this, 'Harness', {
      settings: s,
      repoRoot: props.repoRoot,
      executionRole: this.harnessRole.role,
      hooks: toolGuard ? [toolGuard.hook] : [],
      fisExperimentRoleArn: this.fisRole.role.roleArn,
      fisLogGroupArn: fisLogs.logGroupArn,
      fisReportBucket: this.fisRole.reportBucket.bucketName,
      name: s.harnessName,
      tools: s.harnessTools,
      skills: ALL_SKILLS,
      skillsBucket,
    });
    // Each further harness has its own execution role, scoped to the skills it loads (its Gateway grants too).
    for (const h of s.harnesses) {
      const skills = skillsOf(h.commands);
      const role = new HarnessExecutionRole(this, `HarnessExecutionRole-${h.id}`, {
        grants: grantsOf(props.repoRoot, skills),
        modelId: s.modelId,
        fisExperimentRole: this.fisRole.role,
        templateTagKey: s.fisTemplateTagKey,
        templateTagValue: s.fisTemplateTagValue,
        alarmNamePrefix: fisAlarmPrefix(this.stackName),
      });
      toolGuard?.fn.grantInvoke(role.role);
      this.namedHarnesses.set(
        h.id,
        new Harness(this, `Harness-${h.id}`, {
          settings: s,
          repoRoot: props.repoRoot,
          executionRole: role.role,
          fisExperimentRoleArn: this.fisRole.role.roleArn,
          fisLogGroupArn: fisLogs.logGroupArn,
          fisReportBucket: this.fisRole.reportBucket.bucketName,
          name: `${s.harnessName}_${h.id}`,
          tools: h.tools,
          skills,
          image: this.harness.image,
          skillsBucket,
          // The same tool guard as the default harness (when on): its role may invoke the guard too.
          hooks: toolGuard ? [toolGuard.hook] : [],
          otherAccounts: false,
        }),
      );
      // The EKS skill reads the clusters' Kubernetes objects as the harness's own role.
      if (s.eksClusters.length > 0 && skills.includes(SKILLS.eks))
        new EksAccess(this, `EksAccess-${h.id}`, { clusterNames: s.eksClusters, role: role.role });
    }
    // A retention on each harness runtime's log group, whether or not AgentCore created the group first.
    const runtimeId = (h: Harness) => h.harness.attrEnvironmentAgentCoreRuntimeEnvironmentAgentRuntimeId;
    new RuntimeLogRetention(this, 'HarnessRuntimeLogs', {
      runtimes: [
        ['Harness', runtimeId(this.harness)],
        ...[...this.namedHarnesses].map(([k, h]): [string, string] => [`Harness-${k}`, runtimeId(h)]),
      ],
      retention: s.logRetentionDays as logs.RetentionDays,
    });
    if (s.targetAccounts.length > 0) {
      // Read-only in the listed accounts only, through the role deploy/lib/target-account-stack.ts deploys there.
      new iam.Policy(this, 'AssumeTargetAccountRoles', {
        roles: [this.harnessRole.role],
        statements: [
          new iam.PolicyStatement({
            sid: 'AssumeReadOnlyRoleInListedAccounts',
            actions: ['sts:AssumeRole'],
            resources: s.targetAccounts.map((a) => a.roleArn),
          }),
        ],
      });
    }
    if (s.transactionSearch === 'on') {
      new TransactionSearch(this, 'TransactionSearch', {
        indexingPercent: s.transactionSearchIndexingPercent,
      });
    }
    if (s.eksClusters.length > 0) {
      new EksAccess(this, 'EksAccess', { clusterNames: s.eksClusters, role: this.harnessRole.role });
    }

    const sessions = new SessionsTable(this, 'Sessions');
    const slack = new SlackSecret(this, 'SlackSecret', { existingSecretName: s.slackSecretName });

    this.botRole = new BotTaskRole(this, 'BotTaskRole', {
      harnessArn: this.harness.harnessArn,
      moreHarnessArns: [...this.namedHarnesses.values()].map((h) => h.harnessArn),
      table: sessions.table,
      templateTagKey: s.fisTemplateTagKey,
      templateTagValue: s.fisTemplateTagValue,
    });
    const startRole = new FisStartRole(this, 'FisStartRole', {
      botRole: this.botRole.role,
      templateTagKey: s.fisTemplateTagKey,
      templateTagValue: s.fisTemplateTagValue,
    });
    this.bot = new BotService(this, 'Bot', {
      settings: s,
      repoRoot: props.repoRoot,
      taskRole: this.botRole.role,
      slackSecret: slack.secret,
      harnessArn: this.harness.harnessArn,
      tableName: sessions.table.tableName,
      fisStartRoleArn: startRole.role.roleArn,
      metricsNamespace: this.metricsNamespace,
      moreEnvironment: harnessEnvironmentForBot(
        this,
        this.harness,
        s.harnesses,
        this.namedHarnesses,
        skillsBucket,
      ),
    });
    const alarms = new Alarms(this, 'Alarms', {
      logGroup: this.bot.logGroup,
      service: this.bot.service,
      desiredCount: s.desiredCount,
      loadBalancer: this.bot.loadBalancer,
      targetGroup: this.bot.targetGroup,
      alarmEmail: s.alarmEmail,
      metricsNamespace: this.metricsNamespace,
      failureRatePercent: s.alarmFailureRatePercent,
      minTurns: s.alarmMinTurns,
    });
    if (s.githubRepository) {
      new GithubDeployRole(this, 'GithubDeployRole', {
        repository: s.githubRepository,
        branch: s.githubBranch,
        existingProviderArn: s.githubOidcProviderArn,
      });
    }

    new CfnOutput(this, 'HarnessArn', { value: this.harness.harnessArn });
    new CfnOutput(this, 'HarnessExecutionRoleArn', { value: this.harnessRole.role.roleArn });
    // npm run doctor -- --bot-role <this> checks the bot's permissions from an operator's machine.
    new CfnOutput(this, 'BotTaskRoleArn', { value: this.botRole.role.roleArn });
    new CfnOutput(this, 'FisExperimentRoleArn', { value: this.fisRole.role.roleArn });
    new CfnOutput(this, 'SessionsTableName', { value: sessions.table.tableName });
    new CfnOutput(this, 'SlackSecretArn', { value: slack.secret.secretArn });
    new CfnOutput(this, 'BotLogGroup', { value: this.bot.logGroup.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    if (this.bot.loadBalancer) {
      new CfnOutput(this, 'SlackRequestUrl', {
        value: `https://${this.bot.loadBalancer.loadBalancerDnsName}/slack/events`,
        description:
          'Point a DNS name covered by the certificate at the load balancer, then use https://<name>/slack/events',
      });
    }
  }
}
