/** Entry point: config → bot → start; a clear message and exit code 1 when the config is not usable. */

import { startBot } from './bot.ts';
import { ConfigError, loadConfig, MissingSlackCredentials, SLACK_SETUP_HELP } from './config.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof MissingSlackCredentials) {
      console.error(`${SLACK_SETUP_HELP}\n\n${err.message}`);
      process.exit(1);
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const bot = await startBot(config, log);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`The bot could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
