/** Bolt's Logger interface over the bot's pino logger, so Bolt's own messages are JSON and redacted too. */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../core/logger.ts';

export function boltLogger(log: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  const l = log.child({ component: 'bolt' });
  const text = (msgs: unknown[]) =>
    msgs
      .map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
  return {
    debug: (...m: unknown[]) => l.debug({}, text(m)),
    info: (...m: unknown[]) => l.info({}, text(m)),
    warn: (...m: unknown[]) => l.warn({}, text(m)),
    error: (...m: unknown[]) => l.error({}, text(m)),
    setLevel: (lv: LogLevel) => {
      current = lv;
    },
    getLevel: () => current,
    setName: () => undefined,
  };
}
