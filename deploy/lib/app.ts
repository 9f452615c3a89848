import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { BotStack } from './bot-stack.ts';
import { readSettings } from './settings.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds the CDK app; `context` lets tests pass settings without a cdk.json. */
export function buildApp(options: { context?: Record<string, unknown>; outdir?: string } = {}): {
  app: App;
  stack: BotStack;
} {
  const app = new App({ context: options.context, outdir: options.outdir });
  const settings = readSettings((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
  const env =
    settings.account && settings.region ? { account: settings.account, region: settings.region } : undefined;
  const stack = new BotStack(app, settings.stackName, {
    settings,
    repoRoot: REPO_ROOT,
    env,
    description:
      'AgentCore Slack bot: harness, roles, table, Slack secret, bot on ECS Fargate (arm64), alarms',
  });
  return { app, stack };
}
