/**
 * Composition root: config in, a running bot out. Opens the store, builds the harnesses, the Slack
 * writer, the approval gate and the core runner, registers the Slack surfaces, then starts the
 * receiver. Each part is assembled in src/compose/; this file only connects them.
 */
import type { App } from '@slack/bolt';
import { DynamoApprovalStore } from './adapters/approval-store.ts';
import type { EmbeddedDynamo } from './adapters/embedded-dynamo.ts';
import { EmfMetrics } from './adapters/emf-metrics.ts';
import { DynamoFeedbackStore } from './adapters/feedback-store.ts';
import { DynamoHomeStore } from './adapters/home-store.ts';
import { SlackApproverDirectory, SlackGroups } from './adapters/slack-approvers.ts';
import { buildAgentSessions } from './compose/agent-sessions.ts';
import { buildApprovalGate } from './compose/approval-gate.ts';
import { startBackground } from './compose/background.ts';
import { buildBoltApp } from './compose/bolt-app.ts';
import { buildHarnesses } from './compose/harnesses.ts';
import { listen } from './compose/listen.ts';
import { buildSlackWriter } from './compose/slack-writer.ts';
import { portInUse, StartupError, selfCheck } from './compose/startup.ts';
import { openStore } from './compose/store.ts';
import { registerSurfaces } from './compose/surfaces.ts';
import type { Config } from './config.ts';
import { AccessPolicy } from './core/access.ts';
import type { ApprovalGate } from './core/approval-gate.ts';
import type { FeedbackStore } from './core/feedback.ts';
import { HomeService } from './core/home.ts';
import type { Logger } from './core/logger.ts';
import type { SlackWriter } from './core/ports.ts';
import { Runner } from './core/runner.ts';
import type { MethodBudget, SlackScheduler } from './core/slack-scheduler.ts';
import { Health } from './health.ts';
import { presenter } from './slack/blocks.ts';
import { SlackHomePublisher, workspaceUrl } from './slack/home.ts';
import { SLACK_LIMITS } from './slack/limits.ts';

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
  /**
   * Budgets replacing the scheduler's defaults for these methods (tests against a fake Slack whose
   * limits are stricter than Slack's, e.g. a lower workspace post cap, so they can be reached quickly).
   */
  slackBudgets?: Record<string, MethodBudget>;
}

export async function startBot(config: Config, log: Logger, hooks: BotHooks = {}): Promise<RunningBot> {
  const { store, table, close: closeStore } = await openStore(config, log, hooks);
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
  const { app } = bolt;
  socketActive = bolt.socketActive;
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });

  const { writer, scheduler, client } = buildSlackWriter(config, log, bolt, hooks.writer, hooks.slackBudgets);
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
    client: client('critical'),
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
      spillReplies: config.streaming.spillReplies,
      streamMaxBytes: SLACK_LIMITS.streamedMessageBytes,
      longAnswerFileChars: config.streaming.longAnswerFileChars,
      maxAnswerReplies: config.streaming.maxAnswerReplies,
      reportFiles: config.streaming.reportFiles,
      prices: config.streaming.prices,
      harnessFor: (command) => others.find((h) => h.commands.includes(command))?.id,
    },
  });
  const commands = registerSurfaces(app, config, {
    runner,
    store,
    table,
    access,
    writer,
    gate,
    approvals: approvalStore,
    groups,
    home,
    agentSessions,
    feedback,
    log,
  });
  bolt.ackCommandsEarly?.(commands);
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

  const listening = await listen(app, config, health, log);
  // Socket Mode reports the websocket itself (socketActive); HTTP mode is up once it listens.
  if (config.slack.mode.kind === 'http') slackUp = true;

  return {
    app,
    runner,
    gate,
    scheduler,
    feedback,
    port: listening.port,
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
      listening.closeHealth();
      await closeStore();
    },
  };
}
