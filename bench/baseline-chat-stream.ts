/**
 * Baseline: what a team building on Bolt would write first, following Slack's AI-app templates:
 * ack the command, post a root message, open one `client.chatStream(...)` (web-api's ChatStreamer,
 * default 256-character buffer) per run in its thread, `await streamer.append({ markdown_text })`
 * for every text delta from the agent, and `streamer.stop(...)` at the end. One shared WebClient
 * with web-api's default 429 handling (it waits Retry-After and retries). Same harness adapter as
 * the bot, so both read identical agent streams.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { AgentCoreHarness } from '../src/adapters/harness.ts';
import type { Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

export async function startChatStreamBaseline(
  config: Config,
): Promise<{ port: number; stop(): Promise<void> }> {
  if (config.slack.mode.kind !== 'http') throw new Error('the baseline runs in HTTP mode');
  const receiver = new HTTPReceiver({
    signingSecret: config.slack.mode.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
  });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
  });
  const harness = new AgentCoreHarness({
    harnessArn: config.harness.arn,
    qualifier: config.harness.qualifier,
    region: config.harness.region,
    idleTimeoutMs: config.harness.idleTimeoutMs,
    maxRunMs: config.harness.maxRunMs,
    maxIterations: config.harness.maxIterations,
    timeoutSeconds: config.harness.timeoutSeconds,
    throttleRetries: config.harness.throttleRetries,
    baseTools: [],
    endpoint: config.harness.endpoint,
    credentials: config.harness.credentials,
    log: createLogger('silent'),
  });
  let sessions = 0;
  app.command('/assess', async ({ command, ack, client }) => {
    await ack();
    const [, target = ''] = command.text.trim().split(/\s+/);
    const started = Date.now();
    const root = await client.chat.postMessage({
      channel: command.channel_id,
      text: `Assessment of \`${target}\` for <@${command.user_id}>`,
    });
    const streamer = client.chatStream({
      channel: command.channel_id,
      thread_ts: root.ts as string,
      recipient_team_id: command.team_id,
      recipient_user_id: command.user_id,
    });
    const runtimeSessionId = `bench-baseline-${process.pid}-${++sessions}`.padEnd(40, '0');
    let outcome = 'Done';
    try {
      for await (const ev of harness.invoke({
        runtimeSessionId,
        userId: command.user_id,
        prompt: `Assess ${command.text}`,
        skillPaths: [],
      })) {
        if (ev.type === 'text') await streamer.append({ markdown_text: ev.text });
        if (ev.type === 'failed') outcome = 'Failed';
      }
    } catch {
      outcome = 'Failed';
    }
    await streamer
      .stop({
        blocks: [
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: `${outcome} in ${Math.round((Date.now() - started) / 1000)} s` },
            ],
          },
        ],
      })
      .catch(() => undefined);
  });
  const server = (await app.start(0)) as Server;
  return { port: (server.address() as AddressInfo).port, stop: async () => void (await app.stop()) };
}
