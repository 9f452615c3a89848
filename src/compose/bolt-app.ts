/**
 * The Bolt app and its receiver: Socket Mode, or HTTP with the request guard in front of Bolt's own
 * signature check and the health routes beside /slack/events. Both share one client configuration
 * (bounded retries and a request timeout instead of the SDK's half-hour default).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import type { Health } from '../health.ts';
import { boltLogger } from '../slack/bolt-logger.ts';
import { earlyCommandAck } from '../slack/command-early-ack.ts';
import type { CommandSurface } from '../slack/commands.ts';
import { SLACK_LIMITS } from '../slack/limits.ts';
import { guardSlackRequests } from '../slack/request-guard.ts';

export interface BoltApp {
  app: App;
  logger: ReturnType<typeof boltLogger>;
  /** Socket Mode: whether the websocket is up now (HTTP mode: undefined). */
  socketActive?: () => boolean;
  /** HTTP mode: slash commands are acked by the receiver as soon as they are verified (command-early-ack.ts). */
  ackCommandsEarly?: (commands: CommandSurface) => void;
}

export function buildBoltApp(config: Config, log: Logger, health: Health, ackFloorCommand?: string): BoltApp {
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
  const mode = config.slack.mode;
  if (mode.kind === 'socket') {
    const socket = new SocketModeReceiver({
      appToken: mode.appToken,
      logger,
      // The Socket Mode client takes its API URL from here (apps.connections.open).
      installerOptions: { clientOptions } as never,
    });
    const app = new App({
      token: config.slack.botToken,
      receiver: socket,
      logger,
      clientOptions,
      deferInitialization: true,
      // No listener keeps conversation state; Bolt's default store costs every event a rejected lookup.
      convoStore: false,
    });
    const socketActive = () =>
      Boolean((socket.client as unknown as { websocket?: { isActive(): boolean } })?.websocket?.isActive());
    return { app, logger, socketActive };
  }
  const receiver = new HTTPReceiver({
    signingSecret: mode.signingSecret,
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
  let commands: CommandSurface | undefined;
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    clientOptions,
    deferInitialization: true,
    convoStore: false,
  });
  receiver.requestListener = guardSlackRequests(receiver.requestListener, {
    signingSecret: mode.signingSecret,
    paths: ['/slack/events'],
    bodyLimitBytes: SLACK_LIMITS.requestBodyBytes,
    maxUnauthenticated: SLACK_LIMITS.unauthenticatedRequests,
    bodyTimeoutMs: SLACK_LIMITS.requestBodyTimeoutMs,
    toleranceSeconds: SLACK_LIMITS.signatureToleranceSeconds,
    log: log.child({ component: 'receiver' }),
    verified: earlyCommandAck(app, () => commands, log, ackFloorCommand),
  });
  return {
    app,
    logger,
    ackCommandsEarly: (c) => {
      commands = c;
    },
  };
}
