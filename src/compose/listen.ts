/**
 * Starts receiving Slack: HTTP mode listens on PORT (Slack's requests and the health routes share it);
 * Socket Mode opens the websocket and serves health on its own port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import type { Health } from '../health.ts';
import { HTTP_SERVER_TIMEOUTS } from '../slack/request-guard.ts';
import { portInUse } from './startup.ts';

export interface Listening {
  /** HTTP mode: the port listened on; Socket Mode: the health port. */
  port: number;
  /** Stops the health server (Socket Mode; the HTTP server stops with the app). */
  closeHealth(): void;
}

export async function listen(app: App, config: Config, health: Health, log: Logger): Promise<Listening> {
  if (config.slack.mode.kind === 'http') {
    const { port: listenPort, host } = config.slack.mode;
    const server = (await app
      .start(host ? { port: listenPort, host } : { port: listenPort }, HTTP_SERVER_TIMEOUTS)
      .catch(portInUse(listenPort, 'PORT'))) as Server;
    const port = (server.address() as AddressInfo).port;
    log.info({ port, path: '/slack/events' }, 'listening for Slack (HTTP mode)');
    return { port, closeHealth: () => {} };
  }
  await app.start();
  const healthServer = await health
    .listen(config.slack.healthPort, config.slack.healthHost)
    .catch(portInUse(config.slack.healthPort, 'PORT'));
  log.info({ healthPort: healthServer.port }, 'connected to Slack (Socket Mode)');
  return { port: healthServer.port, closeHealth: () => healthServer.server.close() };
}
