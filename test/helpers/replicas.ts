/**
 * Several replicas of the bot behind one Slack request URL, sharing one DynamoDB (dynalite), one fake
 * Slack and one harness emulator: what multi-replica e2e tests (alerts-replicas, remote-stop, replicas)
 * each set up by hand before.
 */
import {
  EMBEDDED_CREDENTIALS,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '../../src/adapters/embedded-dynamo.ts';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { HARNESS_ARN, SIGNING_SECRET } from './rig.ts';

export interface SharedStand {
  dynamo: EmbeddedDynamo;
  slack: FakeSlack;
  harness: HarnessEmulator;
  /** The settings every replica shares: Slack, the harness, the table; `extra` on top. */
  settings(extra?: Record<string, string>): Record<string, string>;
  /** What a replica in a child process needs to reach the stand-ins (the in-process ones read process.env). */
  awsEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Starts dynalite, the fake Slack (with these users) and the harness emulator, and points the SDK at them. */
export async function startSharedStand(
  users: Array<{ id: string; name: string }> = [],
): Promise<SharedStand> {
  const dynamo = await startEmbeddedDynamo(undefined, 'us-east-1');
  const slack = new FakeSlack();
  await slack.start();
  for (const u of users) slack.addUser(u);
  const harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
  await harness.start();
  const awsEnv = {
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
  };
  Object.assign(process.env, awsEnv);
  return {
    dynamo,
    slack,
    harness,
    awsEnv,
    settings: (extra = {}) => ({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      SESSIONS_TABLE: dynamo.table,
      STREAM_EDIT_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...extra,
    }),
    close: async () => {
      await slack.stop();
      await harness.stop();
      await dynamo.close();
    },
  };
}

/** The request URL of a replica running in this process. */
export const eventsUrl = (bot: RunningBot): string => `http://127.0.0.1:${bot.port}/slack/events`;

/**
 * Starts `count` replicas in this process with the stand's settings plus `extra`, and has the fake Slack
 * spread its deliveries over them (and over `alsoUrls`, replicas running elsewhere) as a load balancer would.
 */
export async function startReplicas(
  stand: SharedStand,
  extra: Record<string, string> = {},
  count = 2,
  alsoUrls: string[] = [],
): Promise<RunningBot[]> {
  const config = loadConfig(stand.settings({ PORT: '0', ...extra }));
  const bots: RunningBot[] = [];
  for (let i = 0; i < count; i++) bots.push(await startBot(config, createLogger(config.logLevel)));
  stand.slack.connectApps(
    [...alsoUrls, ...bots.map(eventsUrl)].map((url) => ({ url, signingSecret: SIGNING_SECRET })),
  );
  return bots;
}
