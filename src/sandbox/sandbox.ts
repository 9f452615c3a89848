/**
 * The local sandbox: the fake Slack, the harness emulator with demo runs (or the real harness when
 * HARNESS_ARN is configured), the real bot over signed HTTP on loopback with embedded storage, and
 * the Slack-like page that lets a person use it all from a browser.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, startBot } from '../bot.ts';
import type { SandboxConfig } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import { createLogger } from '../log.ts';
import { FakeSlack } from '../stand-ins/fake-slack.ts';
import { FisEmulator, sampleTemplate } from '../stand-ins/fis-emulator.ts';
import { HarnessEmulator } from '../stand-ins/harness-emulator.ts';
import { DEMO_TEMPLATE, demoScenarios } from './demo-scenarios.ts';
import { APPROVERS_GROUP, BOT_NAME, CHANNELS, PEOPLE, SANDBOX_HARNESS_ARN } from './people.ts';
import { Timeline } from './timeline.ts';
import { startWebServer } from './web-server.ts';

export interface Sandbox {
  /** The page. */
  url: string;
  slack: FakeSlack;
  /** Undefined when the sandbox talks to the real harness. */
  harness: HarnessEmulator | undefined;
  /** Undefined when the sandbox talks to the real harness (and so to real FIS). */
  fis: FisEmulator | undefined;
  bot: RunningBot;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** Multiplies the demo runs' pauses (tests use a small value). */
  timeScale?: number;
  log?: Logger;
}

export async function startSandbox(settings: SandboxConfig, opts: SandboxOptions = {}): Promise<Sandbox> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const slack = new FakeSlack({
      scopes: [
        'commands',
        'chat:write',
        'app_mentions:read',
        'channels:history',
        'channels:join',
        'usergroups:read',
        'users:read',
      ],
    });
    for (const p of PEOPLE) slack.addUser({ id: p.id, name: p.name });
    slack.addUser({ id: slack.botUserId, name: BOT_NAME });
    for (const c of CHANNELS) {
      slack.addChannel({ id: c.id, name: c.name, members: [slack.botUserId, ...PEOPLE.map((p) => p.id)] });
    }
    slack.userGroups.set(APPROVERS_GROUP.id, [...APPROVERS_GROUP.members]);
    await slack.start();
    cleanups.push(() => slack.stop());

    let harness: HarnessEmulator | undefined;
    let fis: FisEmulator | undefined;
    if (settings.harness.kind === 'emulator') {
      harness = new HarnessEmulator({
        harnessArn: SANDBOX_HARNESS_ARN,
        defaultScenario: demoScenarios(),
        timeScale: opts.timeScale,
      });
      await harness.start();
      cleanups.push(() => harness?.stop());
      // With the emulated agent, FIS is emulated too: a demo template the agent can ask to run.
      fis = new FisEmulator({ initiatingMs: 1_500, runningMs: 60_000 });
      fis.addTemplate(sampleTemplate(DEMO_TEMPLATE));
      await fis.start();
      cleanups.push(() => fis?.stop());
    }

    // Fresh storage each run: the fake Slack's messages live in memory, so old sessions would point nowhere.
    const dataDir = mkdtempSync(join(tmpdir(), 'agentcore-sandbox-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const signingSecret = randomBytes(24).toString('hex');
    const config = settings.botConfig({
      botToken: slack.botToken,
      signingSecret,
      slackApiUrl: slack.apiUrl,
      dataDir,
      ...(harness ? { emulator: { url: harness.url, harnessArn: SANDBOX_HARNESS_ARN } } : {}),
      ...(fis ? { fisEmulator: { url: fis.url } } : {}),
      approvers: [APPROVERS_GROUP.id],
    });
    // FIS templates exist per region: the demo's template is also where commands point by default.
    if (fis && !fis.store(config.defaultTargetRegion).templates.has(DEMO_TEMPLATE))
      fis.addTemplate(sampleTemplate(DEMO_TEMPLATE), config.defaultTargetRegion);
    const log = opts.log ?? createLogger(config.logLevel);
    const bot = await startBot(config, log);
    cleanups.push(() => bot.stop());
    slack.connectApp({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret });

    const timeline = new Timeline(slack);
    cleanups.push(() => timeline.close());
    const web = await startWebServer(
      {
        slack,
        timeline,
        harnessLabel: harness ? 'emulator' : `real harness ${config.harness.arn}`,
      },
      settings.port,
    );
    cleanups.push(() => web.close());
    return { url: web.url, slack, harness, fis, bot, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What `npm start` prints in sandbox mode. */
export function sandboxBanner(url: string, settings: SandboxConfig): string {
  const harness =
    settings.harness.kind === 'emulator'
      ? 'Agent: a local emulator with scripted demo runs. No AWS calls are made (set HARNESS_ARN and AWS credentials to use your harness).'
      : `Agent: your AgentCore harness ${settings.harness.arn}, with AWS credentials from the standard chain (real AWS calls).`;
  return [
    '',
    '  SIMULATION: local sandbox, not a real Slack workspace.',
    '  The real bot runs against a fake Slack in this process; nothing is sent to Slack.',
    `  ${harness}`,
    '',
    `  Open ${url} and type /assess eks my-cluster us-west-2`,
    '',
    '  To connect to a real workspace instead, set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or BOT_MODE=slack).',
    '  Stop with Ctrl+C.',
    '',
  ].join('\n');
}
