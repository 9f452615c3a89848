/**
 * The Slack surfaces the bot answers: slash commands, thread messages, buttons, Slack's agent
 * events, the Home tab, alarm notifications and /investigate, each registered on the Bolt app with
 * what it needs.
 */
import type { App } from '@slack/bolt';
import { DynamoEpisodeStore } from '../adapters/alert-episode-store.ts';
import type { DynamoApprovalStore } from '../adapters/approval-store.ts';
import { AwsCloudWatch } from '../adapters/cloudwatch.ts';
import type { DynamoSessionStore } from '../adapters/session-store.ts';
import type { SlackAgentSessions } from '../adapters/slack-agent-sessions.ts';
import type { SlackGroups } from '../adapters/slack-approvers.ts';
import { CloudWatchAlarmLookup } from '../alerts/cloudwatch-lookup.ts';
import type { Config } from '../config.ts';
import type { AccessPolicy } from '../core/access.ts';
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { FeedbackStore } from '../core/feedback.ts';
import type { HomeService } from '../core/home.ts';
import type { Logger } from '../core/logger.ts';
import type { SlackWriter } from '../core/ports.ts';
import type { Runner } from '../core/runner.ts';
import { register as registerActions } from '../slack/actions.ts';
import { register as registerAgentEvents } from '../slack/agent-events.ts';
import { register as registerAlerts } from '../slack/alerts.ts';
import { presenter } from '../slack/blocks.ts';
import { type CommandSurface, register as registerCommands } from '../slack/commands.ts';
import { register as registerEvents } from '../slack/events.ts';
import { register as registerHome } from '../slack/home.ts';
import { register as registerInvestigate } from '../slack/investigate-command.ts';

export interface SurfaceDeps {
  runner: Runner;
  store: DynamoSessionStore;
  table: string;
  access: AccessPolicy;
  writer: SlackWriter;
  gate: ApprovalGate | undefined;
  approvals: DynamoApprovalStore | undefined;
  groups: SlackGroups;
  home: HomeService;
  agentSessions: SlackAgentSessions;
  feedback: FeedbackStore;
  log: Logger;
}

/** Registers every surface; returns the slash commands (HTTP mode acks them early). */
export function registerSurfaces(app: App, config: Config, d: SurfaceDeps): CommandSurface {
  const { runner, store, access, writer, gate, log } = d;
  const commands = registerCommands(app, {
    runner,
    store,
    access,
    defaultRegion: config.defaultTargetRegion,
    fisRegions: config.fisRegions,
    accounts: config.accounts,
    duplicateWindowSeconds: config.concurrency.duplicateCommandWindowSeconds,
    log,
    approvalsEnabled: gate !== undefined,
  });
  registerEvents(app, { runner, store, access, log });
  registerActions(app, {
    runner,
    gate,
    log,
    store,
    // Approvers' and the requester's Home tabs follow the card's decisions.
    afterApprovalClick: (id) =>
      void (async () => {
        const a = await d.approvals?.getApproval(id);
        if (a) await d.home.refreshAll([...(await d.groups.expand(config.approvals.approvers)), a.requester]);
      })().catch((err) => log.warn({ err }, 'could not refresh Home tabs after an approval click')),
  });
  registerAgentEvents(app, {
    runner,
    store,
    log,
    agentSessions: d.agentSessions,
    feedback: d.feedback,
    writer,
    presenter,
  });
  registerHome(app, { home: d.home, gate, approvals: d.approvals, log });
  registerAlerts(app, {
    runner,
    store,
    episodes: new DynamoEpisodeStore(store.doc, d.table),
    writer,
    presenter,
    access,
    log,
    settings: {
      ...config.alerts,
      defaultRegion: config.defaultTargetRegion,
      maxQueue: config.concurrency.maxQueue,
    },
  });
  registerInvestigate(app, {
    runner,
    access,
    writer,
    presenter,
    alarms: new CloudWatchAlarmLookup(new AwsCloudWatch(config.cloudwatch)),
    defaultRegion: config.defaultTargetRegion,
    log,
  });
  return commands;
}
