/**
 * Entry point. With Slack credentials (or BOT_MODE=slack): config → bot → start. Without any Slack
 * credential (or BOT_MODE=sandbox): the local sandbox with its Slack-like page. A clear message and
 * exit code 1 when the config is not usable.
 */

import { isEmbeddedStoreCrash } from './adapters/embedded-dynamo.ts';
import { StartupError, startBot } from './bot.ts';
import {
  ConfigError,
  loadBotMode,
  loadConfig,
  loadSandboxConfig,
  MissingSlackCredentials,
  SLACK_SETUP_HELP,
} from './config.ts';
import { createLogger } from './log.ts';
import { installProcessGuards } from './process-guards.ts';
import { sandboxBanner, startSandbox } from './sandbox/sandbox.ts';

async function main(): Promise<void> {
  let stop: () => Promise<void>;
  try {
    if (loadBotMode() === 'sandbox') {
      const settings = loadSandboxConfig();
      installProcessGuards(createLogger(settings.logLevel));
      const sandbox = await startSandbox(settings);
      console.log(sandboxBanner(sandbox.url, settings));
      stop = sandbox.stop;
    } else {
      const config = loadConfig();
      const log = createLogger(config.logLevel, undefined, { content: config.logContent });
      installProcessGuards(log, { survivable: isEmbeddedStoreCrash });
      const bot = await startBot(config, log);
      stop = bot.stop;
    }
  } catch (err) {
    if (err instanceof MissingSlackCredentials) {
      console.error(
        `${SLACK_SETUP_HELP}\n\n${err.message}\n\nTo try the bot without Slack or AWS, run npm start without BOT_MODE=slack: it opens a local sandbox.`,
      );
      process.exit(1);
    }
    if (err instanceof ConfigError || err instanceof StartupError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`The bot could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
