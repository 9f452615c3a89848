/**
 * Composition root: config in, a running bot out. Builds the adapters (Slack, harness, store),
 * the core runner, and the Bolt surfaces, then starts the receiver.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
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
import { AwsFis } from './adapters/fis.ts';
import { AgentCoreHarness } from './adapters/harness.ts';
import { HarnessRouter, SessionShellRouter } from './adapters/harness-router.ts';
import { AgentCoreSessionShell } from './adapters/session-shell.ts';
import { DynamoSessionStore } from './adapters/session-store.ts';
import { SlackApproverDirectory, SlackGroups } from './adapters/slack-approvers.ts';
import { WebApiSlackWriter } from './adapters/slack-writer.ts';
import { AwsStartRole } from './adapters/sts.ts';
import { AwsTagging } from './adapters/tagging.ts';
import { CloudWatchAlarmLookup } from './alerts/cloudwatch-lookup.ts';
import type { Config } from './config.ts';
import { AccessPolicy } from './core/access.ts';
import { ApprovalGate } from './core/approval-gate.ts';
import type { Logger } from './core/logger.ts';
import type { SlackWriter } from './core/ports.ts';
import { Runner } from './core/runner.ts';
import { retryAfterOf, ScheduledSlackWriter } from './core/scheduled-writer.ts';
import { SlackScheduler } from './core/slack-scheduler.ts';
import { runChecks } from './doctor/check.ts';
import { explain, QUICK_CHECKS } from './doctor/checks.ts';
import { WebApiSlackProbe } from './doctor/slack-probe.ts';
import { renderTools, type ToolSpec, unrepeatableTool } from './harness-catalog.ts';
import { Health } from './health.ts';
import { register as registerActions } from './slack/actions.ts';
import { register as registerAlerts } from './slack/alerts.ts';
import { approvalCard, approvalCardFile } from './slack/approval-card.ts';
import { presenter } from './slack/blocks.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import { register as registerCommands } from './slack/commands.ts';
import { register as registerEvents } from './slack/events.ts';
import { register as registerInvestigate } from './slack/investigate-command.ts';
import { SLACK_LIMITS } from './slack/limits.ts';
import { guardSlackRequests, HTTP_SERVER_TIMEOUTS } from './slack/request-guard.ts';

export interface RunningBot {
  app: App;
  runner: Runner;
  /** The FIS approval gate, when approvers are configured. */
  gate?: ApprovalGate;
  /** The per-workspace Slack call scheduler (for health and the benchmark). */
  scheduler: SlackScheduler;
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
  // One adapter per harness; the router sends each thread's turns to the harness it started on.
  const harnessAdapter = (arn: string, region: string, tools: ToolSpec[], id?: string) =>
    new AgentCoreHarness({
      harnessArn: arn,
      // The qualifier names an endpoint of the default harness; the others are invoked on DEFAULT.
      qualifier: id ? undefined : config.harness.qualifier,
      region,
      idleTimeoutMs: config.harness.idleTimeoutMs,
      maxRunMs: config.harness.maxRunMs,
      maxIterations: config.harness.maxIterations,
      timeoutSeconds: config.harness.timeoutSeconds,
      throttleRetries: config.harness.throttleRetries,
      // Only a list the bot can repeat (config.ts refuses others where the approval gate needs them).
      baseTools: unrepeatableTool(tools) ? [] : renderTools(tools),
      endpoint: config.harness.endpoint,
      credentials: config.harness.credentials,
      log: log.child({ component: 'harness', ...(id ? { harness: id } : {}) }),
    });
  const shellAdapter = (arn: string, region: string, id?: string) =>
    new AgentCoreSessionShell({
      harnessArn: arn,
      qualifier: id ? undefined : config.harness.qualifier,
      region,
      endpoint: config.harness.endpoint,
      credentials: config.harness.credentials,
    });
  const others = config.harness.others;
  const harness = new HarnessRouter(
    harnessAdapter(config.harness.arn, config.harness.region, config.harness.tools),
    new Map(others.map((h) => [h.id, harnessAdapter(h.arn, h.region, h.tools, h.id)])),
  );

  const logger = boltLogger(
    log,
    config.logLevel === 'debug' || config.logLevel === 'trace' ? LogLevel.DEBUG : LogLevel.INFO,
    { content: config.logContent },
  );
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Bounded retries (the SDK default is 10 over ~30 minutes) and a request timeout (default: none).
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 15_000, randomize: true },
    timeout: 20_000,
  };
  let receiver: HTTPReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  let app: App;
  let slackUp = false;
  let runnerRef: Runner | undefined;
  const health = new Health({
    slack: () =>
      config.slack.mode.kind === 'socket'
        ? Boolean(
            (socket?.client as unknown as { websocket?: { isActive(): boolean } })?.websocket?.isActive(),
          )
        : slackUp,
    store: () => store.ping(),
    accepting: () => runnerRef?.isAccepting ?? false,
  });
  if (config.slack.mode.kind === 'socket') {
    socket = new SocketModeReceiver({
      appToken: config.slack.mode.appToken,
      logger,
      // The Socket Mode client takes its API URL from here (apps.connections.open).
      installerOptions: { clientOptions } as never,
    });
    app = new App({
      token: config.slack.botToken,
      receiver: socket,
      logger,
      clientOptions,
      deferInitialization: true,
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.slack.mode.signingSecret,
      endpoints: '/slack/events',
      processBeforeResponse: false,
      logger,
      bodyLimit: SLACK_LIMITS.requestBodyBytes,
      // The signed request's signature reaches the command listener (replay de-duplication).
      customPropertiesExtractor: (req) => ({
        requestSignature:
          typeof req.headers['x-slack-signature'] === 'string' ? req.headers['x-slack-signature'] : undefined,
      }),
      customRoutes: ['/healthz', '/readyz'].map((path) => ({
        path,
        method: ['GET'],
        handler: (req: IncomingMessage, res: ServerResponse) => void health.handle(req, res),
      })),
    });
    receiver.requestListener = guardSlackRequests(receiver.requestListener, {
      signingSecret: config.slack.mode.signingSecret,
      paths: ['/slack/events'],
      bodyLimitBytes: SLACK_LIMITS.requestBodyBytes,
      maxUnauthenticated: SLACK_LIMITS.unauthenticatedRequests,
      bodyTimeoutMs: SLACK_LIMITS.requestBodyTimeoutMs,
      toleranceSeconds: SLACK_LIMITS.signatureToleranceSeconds,
      log: log.child({ component: 'receiver' }),
    });
    app = new App({
      token: config.slack.botToken,
      receiver,
      logger,
      clientOptions,
      deferInitialization: true,
    });
  }
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });

  // The run's own Slack calls go through two clients that hand a 429 straight back
  // (rejectRateLimitedCalls) instead of pausing the whole request queue, and through one scheduler
  // that shares each method's per-workspace budget between runs and waits Retry-After per method.
  const writerClient = (progress: boolean) =>
    new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      logger,
      rejectRateLimitedCalls: true,
      retryConfig: progress
        ? { retries: 0 }
        : { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 10_000, randomize: true },
      timeout: progress ? 10_000 : 20_000,
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
      new WebApiSlackWriter(writerClient(false), writerClient(true)),
      scheduler,
      'bot-token-workspace',
    );
  const shell = new SessionShellRouter(
    shellAdapter(config.harness.arn, config.harness.region),
    new Map(others.map((h) => [h.id, shellAdapter(h.arn, h.region, h.id)])),
  );
  const groups = new SlackGroups(app.client, log.child({ component: 'groups' }));
  const access = new AccessPolicy(config.access, groups);
  const approvers = config.approvals.approvers;
  const metrics = config.metricsNamespace
    ? new EmfMetrics(config.metricsNamespace, hooks.metricsWrite)
    : undefined;
  const gate =
    approvers.length > 0
      ? new ApprovalGate({
          fis: new AwsFis(config.fis),
          approvals: new DynamoApprovalStore(store.doc, table),
          writer,
          card: (a, commandTemplateId) => approvalCard(a, { approvers, commandTemplateId }),
          cardFile: approvalCardFile,
          note: presenter.note,
          approvers: new SlackApproverDirectory(approvers, groups),
          policy: {
            ttlMs: config.approvals.ttlMs,
            allowSelfApproval: config.approvals.allowSelfApproval,
            allowNoStopConditions: config.approvals.allowNoStopConditions,
            // A replica that dies while starting an experiment is found out like a run's owner is.
            startLeaseMs: config.concurrency.leaseMs,
          },
          interlocks: {
            alarms: new AwsCloudWatch(config.cloudwatch),
            tagging: new AwsTagging(config.tagging),
            alarmPolicy: {
              allowAlarm: config.approvals.allowAlarmState,
              allowInsufficientData: config.approvals.allowInsufficientData,
            },
            limits: config.approvals.limits,
          },
          recovery: { withinMs: config.approvals.recoveryMs },
          ...(config.approvals.startRoleArn
            ? {
                startRole: {
                  roleArn: config.approvals.startRoleArn,
                  port: new AwsStartRole(config.sts),
                },
              }
            : {}),
          log: log.child({ component: 'approvals' }),
          metrics,
        })
      : undefined;
  const runner = new Runner({
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
  registerCommands(app, {
    runner,
    store,
    access,
    defaultRegion: config.defaultTargetRegion,
    fisRegions: config.fisRegions,
    duplicateWindowSeconds: config.concurrency.duplicateCommandWindowSeconds,
    log,
    approvalsEnabled: gate !== undefined,
  });
  registerEvents(app, { runner, store, access, log });
  registerActions(app, { runner, gate, log, store });
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

  // Runs whose owner died (lease lapsed) are marked interrupted, with Retry; any replica may do it.
  await runner.reap().catch((err) => log.warn({ err }, 'startup reap failed'));
  const reaper = setInterval(
    () => void runner.reap().catch((err) => log.warn({ err }, 'reap failed')),
    Math.max(500, Math.floor(config.concurrency.leaseMs / 2)),
  );
  reaper.unref();

  // Expire overdue approvals and follow running experiments; any replica may do it (conditional writes).
  const sweepMs = Math.min(15_000, Math.max(500, Math.floor(config.approvals.ttlMs / 5)));
  let sweeping = false;
  const sweeper = gate
    ? setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        gate
          .sweep()
          .catch((err) => log.warn({ err }, 'approval sweep failed'))
          .finally(() => {
            sweeping = false;
          });
      }, sweepMs)
    : undefined;
  sweeper?.unref();

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
    port,
    async stop(graceMs = config.concurrency.shutdownGraceMs) {
      // Stop receiving first (Slack redelivers to other replicas), then let running turns finish.
      if (sweeper) clearInterval(sweeper);
      clearInterval(reaper);
      slackUp = false;
      await app.stop().catch((err) => log.warn({ err }, 'stopping the Slack receiver failed'));
      // Approval actions first (a StartExperiment in flight must reach a recorded outcome), then runs,
      // which include the agent turns those actions resumed.
      await gate?.drain(graceMs);
      await runner.drain(graceMs);
      healthServer?.server.close();
      if (ownsStore) await embedded?.close();
    },
  };
}

export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(`The bot cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StartupError';
  }
}

/** A listen error as a startup problem: a port in use names the port and the setting that chose it. */
export function portInUse(port: number, setting: string) {
  return (err: unknown): never => {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new StartupError([
        `Port ${port} is already in use: stop the process using it, or set ${setting} to a free port.`,
      ]);
    }
    throw err;
  };
}

/**
 * The doctor's quick checks (src/doctor/checks.ts: the Slack token and the table) before taking traffic;
 * every FAIL becomes one startup problem, in the doctor's words.
 */
async function selfCheck(app: App, store: DynamoSessionStore, config: Config): Promise<void> {
  const ctx = {
    config,
    slack: new WebApiSlackProbe({
      botToken: config.slack.botToken,
      ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
    }),
    store,
    clusters: [],
    memo: new Map(),
  };
  const findings = await runChecks(QUICK_CHECKS, ctx, explain);
  const problems = findings.filter((f) => f.status === 'FAIL').map((f) => `${f.found}: ${f.fix}`);
  if (!findings.some((f) => f.check === 'slack.token' && f.status === 'FAIL')) {
    // Bolt verifies the token itself too; deferred so its failure lands here, not as a stray rejection.
    await app.init().catch((err: unknown) => {
      const code =
        (err as { data?: { error?: string }; code?: string }).data?.error ?? (err as { code?: string }).code;
      problems.push(
        `Slack rejected SLACK_BOT_TOKEN (${code ?? 'error'}): copy the Bot User OAuth Token again from OAuth & Permissions.`,
      );
    });
  }
  if (problems.length > 0) throw new StartupError(problems);
}
