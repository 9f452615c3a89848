/**
 * Composition root: config in, a running bot out. Builds the adapters (Slack, harness, store),
 * the core runner, and the Bolt surfaces, then starts the receiver.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { DynamoEpisodeStore } from './adapters/alert-episode-store.ts';
import { DynamoApprovalStore } from './adapters/approval-store.ts';
import { AwsCloudWatch } from './adapters/cloudwatch.ts';
import {
  DataDirError,
  EMBEDDED_CREDENTIALS,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from './adapters/embedded-dynamo.ts';
import { EmfMetrics } from './adapters/emf-metrics.ts';
import { DynamoFeedbackStore } from './adapters/feedback-store.ts';
import { DynamoHomeStore } from './adapters/home-store.ts';
import { DynamoSessionStore } from './adapters/session-store.ts';
import { SlackApproverDirectory, SlackGroups } from './adapters/slack-approvers.ts';
import { WebApiSlackWriter } from './adapters/slack-writer.ts';
import { CloudWatchAlarmLookup } from './alerts/cloudwatch-lookup.ts';
import { buildAgentSessions } from './compose/agent-sessions.ts';
import { buildApprovalGate } from './compose/approval-gate.ts';
import { startBackground } from './compose/background.ts';
import { buildBoltApp } from './compose/bolt-app.ts';
import { buildHarnesses } from './compose/harnesses.ts';
import { portInUse, StartupError, selfCheck } from './compose/startup.ts';
import type { Config } from './config.ts';
import { AccessPolicy } from './core/access.ts';
import type { ApprovalGate } from './core/approval-gate.ts';
import type { FeedbackStore } from './core/feedback.ts';
import { HomeService } from './core/home.ts';
import type { Logger } from './core/logger.ts';
import type { SlackWriter } from './core/ports.ts';
import { Runner } from './core/runner.ts';
import { retryAfterOf, ScheduledSlackWriter } from './core/scheduled-writer.ts';
import { SlackScheduler } from './core/slack-scheduler.ts';
import { Health } from './health.ts';
import { register as registerActions } from './slack/actions.ts';
import { register as registerAgentEvents } from './slack/agent-events.ts';
import { register as registerAlerts } from './slack/alerts.ts';
import { presenter } from './slack/blocks.ts';
import { register as registerCommands } from './slack/commands.ts';
import { register as registerEvents } from './slack/events.ts';
import { register as registerHome, SlackHomePublisher, workspaceUrl } from './slack/home.ts';
import { register as registerInvestigate } from './slack/investigate-command.ts';
import { SLACK_LIMITS } from './slack/limits.ts';
import { HTTP_SERVER_TIMEOUTS } from './slack/request-guard.ts';

export { portInUse, StartupError };

export interface RunningBot {
  app: App;
  runner: Runner;
  /** The FIS approval gate, when approvers are configured. */
  gate?: ApprovalGate;
  /** The per-workspace Slack call scheduler (for health and the benchmark). */
  scheduler: SlackScheduler;
  /** Feedback on answers (Slack's feedback buttons). */
  feedback: FeedbackStore;
  /** HTTP mode: the port actually listened on (Socket Mode: the health port). */
  port?: number;
  /** Graceful stop: no new work, running turns get `graceMs` to finish, the rest are marked interrupted. */
  stop(graceMs?: number): Promise<void>;
}

/** Test and benchmark seams; production passes none. */
export interface BotHooks {
  /** Replaces the scheduled Slack writer (the benchmark's baselines write the way other bots do). */
  writer?: (app: App) => SlackWriter;
  /** Routes the embedded store's traffic through another address (the tests' fault-injecting proxy). */
  storeEndpoint?: (endpoint: string) => string;
  /** Another replica's embedded store, shared as replicas share a table (multi-replica tests); not closed on stop. */
  sharedStore?: EmbeddedDynamo;
  /** Where embedded metrics go instead of stdout (tests read them). */
  metricsWrite?: (line: string) => void;
  /**
   * The ack burst's floor (bench/ack-burst.ts): a verified slash command of this name is answered at
   * once with an empty 200, deciding nothing and handing nothing on (HTTP mode).
   */
  ackFloorCommand?: string;
}

export async function startBot(config: Config, log: Logger, hooks: BotHooks = {}): Promise<RunningBot> {
  let embedded: EmbeddedDynamo | undefined = hooks.sharedStore;
  const ownsStore = embedded === undefined;
  let table = config.store.table;
  if (!table) {
    embedded ??= await startEmbeddedDynamo(config.store.dataDir, config.store.region).catch((err) => {
      throw err instanceof DataDirError ? new StartupError([err.message]) : err;
    });
    table = embedded.table;
    log.info(
      { endpoint: embedded.endpoint, dataDir: config.store.dataDir },
      'using the embedded DynamoDB (SESSIONS_TABLE not set)',
    );
  }
  const store = new DynamoSessionStore({
    table,
    region: config.store.region,
    ttlDays: config.store.ttlDays,
    ...(embedded
      ? {
          endpoint: hooks.storeEndpoint?.(embedded.endpoint) ?? embedded.endpoint,
          credentials: EMBEDDED_CREDENTIALS,
        }
      : {}),
  });
  const { harness, shell } = buildHarnesses(config, log);
  const others = config.harness.others;

  let slackUp = false;
  let runnerRef: Runner | undefined;
  let socketActive: (() => boolean) | undefined;
  const health = new Health({
    slack: () => socketActive?.() ?? slackUp,
    store: () => store.ping(),
    accepting: () => runnerRef?.isAccepting ?? false,
  });
  const bolt = buildBoltApp(config, log, health, hooks.ackFloorCommand);
  const { app, logger } = bolt;
  socketActive = bolt.socketActive;
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });

  // The run's own Slack calls go through two clients that hand a 429 straight back
  // (rejectRateLimitedCalls) instead of pausing the whole request queue, and through one scheduler
  // that shares each method's per-workspace budget between runs and waits Retry-After per method.
  // Posts get a third client that never retries on its own: a post is not idempotent, so the
  // writer checks whether a post whose answer was lost landed before sending it again.
  const writerClient = (lane: 'critical' | 'progress' | 'posts') =>
    new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      logger,
      rejectRateLimitedCalls: true,
      retryConfig:
        lane === 'critical'
          ? { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 10_000, randomize: true }
          : { retries: 0 },
      timeout:
        lane === 'progress' ? Math.min(10_000, config.slack.callTimeoutMs) : config.slack.callTimeoutMs,
    });
  const scheduler = new SlackScheduler({
    retryAfterOf,
    onRateLimited: (key, retryAfter) =>
      log.warn(
        { method: key.method, channel: key.channel, retryAfter },
        'Slack rate limited a call; waiting',
      ),
  });
  const writer =
    hooks.writer?.(app) ??
    new ScheduledSlackWriter(
      new WebApiSlackWriter(writerClient('critical'), writerClient('progress'), {
        posts: writerClient('posts'),
        log: log.child({ component: 'slack-writer' }),
      }),
      scheduler,
      'bot-token-workspace',
    );
  const groups = new SlackGroups(app.client, log.child({ component: 'groups' }));
  const access = new AccessPolicy(config.access, groups);
  const approvers = config.approvals.approvers;
  const metrics = config.metricsNamespace
    ? new EmfMetrics(config.metricsNamespace, hooks.metricsWrite)
    : undefined;
  const approvalStore = approvers.length > 0 ? new DynamoApprovalStore(store.doc, table) : undefined;
  const approverDirectory = new SlackApproverDirectory(approvers, groups);
  // The Home tab: drawn from the shared store, so every replica shows the same truth.
  const wsUrl = workspaceUrl(app);
  const home = new HomeService({
    homes: new DynamoHomeStore(store.doc, table),
    sessions: store,
    approvals: approvalStore,
    isApprover: (u) => approverDirectory.isApprover(u),
    allowSelfApproval: config.approvals.allowSelfApproval,
    publisher: new SlackHomePublisher(app, wsUrl),
    log: log.child({ component: 'home' }),
  });
  const gate = approvalStore
    ? buildApprovalGate(config, {
        app,
        approvals: approvalStore,
        directory: approverDirectory,
        groups,
        home,
        writer,
        workspaceUrl: wsUrl,
        metrics,
        log,
      })
    : undefined;
  // Slack's agent surfaces (sessions with Slack's own stop, feedback); the bot works without them.
  const { agentSessions, closer } = buildAgentSessions(config, {
    client: writerClient('critical'),
    store,
    table,
    home,
    log,
  });
  const feedback = new DynamoFeedbackStore(store.doc, table);
  const runner = new Runner({
    agentSessions,
    agentClosing: closer,
    onRunChange: (session) => home.runChanged(session),
    gate,
    access,
    harness,
    writer,
    presenter,
    store,
    shell,
    log: log.child({ component: 'runner' }),
    metrics,
    settings: {
      skillsBasePath: config.harness.skillsBasePath,
      editIntervalMs: config.streamEditIntervalMs,
      bodyBudget: SLACK_LIMITS.replyBodyBudget,
      leaseMs: config.concurrency.leaseMs,
      maxQueue: config.concurrency.maxQueue,
      sessionIdleMs: config.concurrency.sessionIdleMs,
      turnLogSize: 6,
      streamMode: config.streaming.mode,
      streamRolloverMs: config.streaming.rolloverMs,
      streamMaxBytes: SLACK_LIMITS.streamedMessageBytes,
      longAnswerFileChars: config.streaming.longAnswerFileChars,
      maxAnswerReplies: config.streaming.maxAnswerReplies,
      reportFiles: config.streaming.reportFiles,
      prices: config.streaming.prices,
      harnessFor: (command) => others.find((h) => h.commands.includes(command))?.id,
    },
  });
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
  bolt.ackCommandsEarly?.(commands);
  registerEvents(app, { runner, store, access, log });
  registerActions(app, {
    runner,
    gate,
    log,
    store,
    // Approvers' and the requester's Home tabs follow the card's decisions.
    afterApprovalClick: (id) =>
      void (async () => {
        const a = await approvalStore?.getApproval(id);
        if (a) await home.refreshAll([...(await groups.expand(approvers)), a.requester]);
      })().catch((err) => log.warn({ err }, 'could not refresh Home tabs after an approval click')),
  });
  registerAgentEvents(app, { runner, store, log, agentSessions, feedback, writer, presenter });
  registerHome(app, { home, gate, approvals: approvalStore, log });
  registerAlerts(app, {
    runner,
    store,
    episodes: new DynamoEpisodeStore(store.doc, table),
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
  runnerRef = runner;

  // Startup self-check: say exactly what is wrong instead of failing on the first request.
  await selfCheck(app, store, config);

  // Runs whose owner died (lease lapsed) are marked interrupted, with Retry; overdue approvals expire and
  // running experiments are followed. Any replica may do both (conditional writes).
  const stopBackground = await startBackground(
    runner,
    gate,
    {
      leaseMs: config.concurrency.leaseMs,
      approvalTtlMs: config.approvals.ttlMs,
      sessionIdleMs: config.concurrency.sessionIdleMs,
    },
    log,
    closer,
  );

  let port: number | undefined;
  let healthServer: { server: Server; port: number } | undefined;
  if (config.slack.mode.kind === 'http') {
    const { port: listenPort, host } = config.slack.mode;
    const server = (await app
      .start(host ? { port: listenPort, host } : { port: listenPort }, HTTP_SERVER_TIMEOUTS)
      .catch(portInUse(listenPort, 'PORT'))) as Server;
    port = (server.address() as AddressInfo).port;
    slackUp = true;
    log.info({ port, path: '/slack/events' }, 'listening for Slack (HTTP mode)');
  } else {
    await app.start();
    healthServer = await health
      .listen(config.slack.healthPort, config.slack.healthHost)
      .catch(portInUse(config.slack.healthPort, 'PORT'));
    port = healthServer.port;
    log.info({ healthPort: port }, 'connected to Slack (Socket Mode)');
  }

  return {
    app,
    runner,
    gate,
    scheduler,
    feedback,
    port,
    async stop(graceMs = config.concurrency.shutdownGraceMs) {
      // Stop receiving first (Slack redelivers to other replicas), then let running turns finish.
      stopBackground();
      slackUp = false;
      await app.stop().catch((err) => log.warn({ err }, 'stopping the Slack receiver failed'));
      // Approval actions first (a StartExperiment in flight must reach a recorded outcome), then runs,
      // which include the agent turns those actions resumed.
      // One grace period for both: SHUTDOWN_GRACE_SECONDS is what the deploy sizes the container's stop timeout by.
      const deadline = Date.now() + graceMs;
      await gate?.drain(graceMs);
      await runner.drain(Math.max(0, deadline - Date.now()));
      healthServer?.server.close();
      if (ownsStore) await embedded?.close();
    },
  };
}
