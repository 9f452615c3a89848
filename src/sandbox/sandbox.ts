/**
 * The local sandbox: the fake Slack, the harness emulator with demo runs (or the real harness when
 * HARNESS_ARN is configured), the real bot over signed HTTP on loopback with embedded storage, and
 * the Slack-like page that lets a person use it all from a browser.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portInUse, type RunningBot, startBot } from '../bot.ts';
import type { SandboxConfig } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import { createLogger } from '../log.ts';
import { CloudWatchEmulator } from '../stand-ins/cloudwatch-emulator.ts';
import { Ec2Emulator } from '../stand-ins/ec2-emulator.ts';
import { FakeSlack } from '../stand-ins/fake-slack.ts';
import { FisEmulator } from '../stand-ins/fis-emulator.ts';
import { HarnessEmulator } from '../stand-ins/harness-emulator.ts';
import { HarnessRegion } from '../stand-ins/harness-region.ts';
import { TaggingEmulator } from '../stand-ins/tagging-emulator.ts';
import { DEMO_ALARM_REGION, seedDemoAlarms } from './demo-alarms.ts';
import { costScenarios, SANDBOX_COST_HARNESS_ID } from './demo-cost.ts';
import { DEMO_TEMPLATE_REGION, fisWorld, seedDemoWorld } from './demo-fis.ts';
import { demoScenarios } from './demo-scenarios.ts';
import {
  APPROVERS_GROUP,
  BOT_NAME,
  CHANNELS,
  dmOf,
  MANIFEST_BOT_SCOPES,
  PEOPLE,
  SANDBOX_BILLING_GATEWAY_ARN,
  SANDBOX_COST_HARNESS_ARN,
  SANDBOX_HARNESS_ARN,
} from './people.ts';
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
    // Installed from manifest.yml: declared as an agent (assistant:write) and subscribed to every
    // event, so threads are agent sessions with Slack's own stop, and the page draws them.
    const slack = new FakeSlack({ scopes: [...MANIFEST_BOT_SCOPES] });
    for (const p of PEOPLE) slack.addUser({ id: p.id, name: p.name });
    slack.addUser({ id: slack.botUserId, name: BOT_NAME });
    for (const c of CHANNELS) {
      slack.addChannel({ id: c.id, name: c.name, members: [slack.botUserId, ...PEOPLE.map((p) => p.id)] });
    }
    for (const p of PEOPLE) {
      slack.addChannel({ id: dmOf(p.id), name: BOT_NAME, isPrivate: true, members: [slack.botUserId, p.id] });
    }
    slack.userGroups.set(APPROVERS_GROUP.id, [...APPROVERS_GROUP.members]);
    await slack.start();
    cleanups.push(() => slack.stop());

    let harness: HarnessEmulator | undefined;
    let fis: FisEmulator | undefined;
    let region: HarnessRegion | undefined;
    let cloudwatch: CloudWatchEmulator | undefined;
    let tagging: TaggingEmulator | undefined;
    let ec2: Ec2Emulator | undefined;
    if (settings.harness.kind === 'emulator') {
      // The demo's alarms, for /investigate (the simulated notifications need no AWS).
      cloudwatch = new CloudWatchEmulator({ region: DEMO_ALARM_REGION });
      await cloudwatch.start();
      cleanups.push(() => cloudwatch?.stop());
      seedDemoAlarms(cloudwatch);
      // With the emulated agent, FIS is emulated too: the demo agent creates its template there, and
      // the approval card reads it back. An experiment starts within the agent's first check and
      // runs its 5 minutes.
      const scale = opts.timeScale ?? 1;
      const emulatedFis = new FisEmulator({ initiatingMs: 1_000 * scale, runningMs: 300_000 * scale });
      fis = emulatedFis;
      await fis.start();
      cleanups.push(() => fis?.stop());
      // The approval card reads the stop-condition alarm and resolves the targets: the stand-ins hold
      // the demo's alarm (OK) and the Auto Scaling group's instances in each region a template is made in.
      const alarms = cloudwatch;
      const tags = new TaggingEmulator();
      tagging = tags;
      await tags.start();
      cleanups.push(() => tags.stop());
      const instances = new Ec2Emulator();
      ec2 = instances;
      await instances.start();
      cleanups.push(() => instances.stop());
      const world = fisWorld((t, region) => {
        emulatedFis.addTemplate(t, region);
        seedDemoWorld(region, alarms, tags, instances);
      });
      harness = new HarnessEmulator({
        harnessArn: SANDBOX_HARNESS_ARN,
        defaultScenario: demoScenarios(world),
        timeScale: opts.timeScale,
      });
      await harness.start();
      cleanups.push(() => harness?.stop());
      // /cost runs on a harness of its own (one per function), behind the same regional endpoint.
      const costHarness = new HarnessEmulator({
        harnessArn: SANDBOX_COST_HARNESS_ARN,
        defaultScenario: costScenarios(),
        timeScale: opts.timeScale,
      });
      await costHarness.start();
      cleanups.push(() => costHarness.stop());
      region = new HarnessRegion([
        { arn: SANDBOX_HARNESS_ARN, emulator: harness },
        { arn: SANDBOX_COST_HARNESS_ARN, emulator: costHarness },
      ]);
      await region.start();
      cleanups.push(() => region?.stop());
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
      ...(harness && region
        ? {
            emulator: { url: region.url, harnessArn: SANDBOX_HARNESS_ARN },
            namedHarnesses: [
              {
                id: SANDBOX_COST_HARNESS_ID,
                arn: SANDBOX_COST_HARNESS_ARN,
                commands: ['/cost'],
                tools: [
                  { type: 'agentcore_gateway', name: 'billing', gatewayArn: SANDBOX_BILLING_GATEWAY_ARN },
                ],
              },
            ],
          }
        : {}),
      ...(fis ? { fisEmulator: { url: fis.url } } : {}),
      ...(cloudwatch ? { cloudwatchEmulator: { url: cloudwatch.url } } : {}),
      ...(tagging ? { awsStandIns: { tagging: tagging.url, ...(ec2 ? { ec2: ec2.url } : {}) } } : {}),
      approvers: [APPROVERS_GROUP.id],
      // A command without a region targets the demo's region, so /fis prepare's thread names the
      // region its template is created in.
      ...(harness ? { defaultTargetRegion: DEMO_TEMPLATE_REGION } : {}),
    });
    const log = opts.log ?? createLogger(config.logLevel, undefined, { content: config.logContent });
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
    ).catch(portInUse(settings.port, 'SANDBOX_PORT'));
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
