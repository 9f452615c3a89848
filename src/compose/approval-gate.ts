/**
 * The FIS approval gate as configured: the card, the approvers' notices, the interlocks (alarms,
 * blast radius, limits), recovery follow-up and the scoped start role. Only built when approvers are.
 */
import type { App } from '@slack/bolt';
import type { DynamoApprovalStore } from '../adapters/approval-store.ts';
import { AwsCloudWatch } from '../adapters/cloudwatch.ts';
import { AwsEc2Targets } from '../adapters/ec2.ts';
import { AwsEcsTargets } from '../adapters/ecs.ts';
import type { EmfMetrics } from '../adapters/emf-metrics.ts';
import { AwsFis } from '../adapters/fis.ts';
import { AwsRdsTargets } from '../adapters/rds.ts';
import type { SlackApproverDirectory, SlackGroups } from '../adapters/slack-approvers.ts';
import { AwsStartRole } from '../adapters/sts.ts';
import { AwsTagging } from '../adapters/tagging.ts';
import type { Config } from '../config.ts';
import { ApprovalGate } from '../core/approval-gate.ts';
import type { HomeService } from '../core/home.ts';
import type { Logger } from '../core/logger.ts';
import type { SlackWriter } from '../core/ports.ts';
import { descriptionsOf, healthOf } from '../core/target-health.ts';
import { approvalCard, approvalCardFile } from '../slack/approval-card.ts';
import { targetsFile } from '../slack/approval-card-interlocks.ts';
import { approvalNotifier } from '../slack/approval-notify.ts';
import { presenter } from '../slack/blocks.ts';

export interface GateDeps {
  app: App;
  approvals: DynamoApprovalStore;
  directory: SlackApproverDirectory;
  groups: SlackGroups;
  home: HomeService;
  writer: SlackWriter;
  workspaceUrl: () => Promise<string>;
  metrics?: EmfMetrics;
  log: Logger;
}

export function buildApprovalGate(config: Config, d: GateDeps): ApprovalGate {
  const a = config.approvals;
  const ec2 = new AwsEc2Targets(config.ec2);
  const rds = new AwsRdsTargets();
  return new ApprovalGate({
    fis: new AwsFis(config.fis),
    approvals: d.approvals,
    writer: d.writer,
    card: (approval, commandTemplateId) =>
      approvalCard(approval, { approvers: a.approvers, commandTemplateId, account: config.accounts.home }),
    cardFile: approvalCardFile,
    targetsFile,
    note: presenter.note,
    approvers: d.directory,
    notify: approvalNotifier({
      app: d.app,
      approvers: () => d.groups.expand(a.approvers),
      allowSelfApproval: a.allowSelfApproval,
      workspaceUrl: d.workspaceUrl,
      home: d.home,
      log: d.log.child({ component: 'approval-notify' }),
    }),
    // Expired, or its experiment ended (on whichever replica's sweep saw it): the tabs that showed it
    // as waiting or running are redrawn from the store.
    changed: (approval) =>
      void (async () => {
        await d.home.refreshAll([...(await d.groups.expand(a.approvers)), approval.requester]);
      })().catch((err) => d.log.warn({ err }, 'could not refresh Home tabs after an approval changed')),
    policy: {
      ttlMs: a.ttlMs,
      allowSelfApproval: a.allowSelfApproval,
      allowNoStopConditions: a.allowNoStopConditions,
      // A replica that dies while starting an experiment is found out like a run's owner is.
      startLeaseMs: config.concurrency.leaseMs,
    },
    interlocks: {
      alarms: new AwsCloudWatch(config.cloudwatch),
      tagging: new AwsTagging(config.tagging),
      descriptions: descriptionsOf(ec2, rds),
      health: healthOf(ec2, new AwsEcsTargets(config.ecs), rds),
      alarmPolicy: { allowAlarm: a.allowAlarmState, allowInsufficientData: a.allowInsufficientData },
      limits: a.limits,
    },
    recovery: { withinMs: a.recoveryMs },
    ...(a.startRoleArn ? { startRole: { roleArn: a.startRoleArn, port: new AwsStartRole(config.sts) } } : {}),
    log: d.log.child({ component: 'approvals' }),
    metrics: d.metrics,
  });
}
