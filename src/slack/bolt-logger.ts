/**
 * Bolt's Logger interface over the bot's pino logger, so Bolt's own messages are JSON and redacted
 * too. At debug level Bolt and the Web API client log whole request and response bodies (events with
 * what people wrote, messages with the agent's answers); unless content logging is asked for, each
 * message keeps its text up to the payload and says how long the payload was.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../core/logger.ts';
import { withoutContent } from '../log.ts';

export function boltLogger(
  log: Logger,
  level: LogLevel = LogLevel.INFO,
  options: { content?: boolean } = {},
): BoltLogger {
  let current = level;
  const l = log.child({ component: 'bolt' });
  const text = (msgs: unknown[]) => {
    const joined = msgs
      .map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
    return options.content ? joined : withoutContent(joined);
  };
  return {
    // Bolt and the Web API client call debug on every request; with debug off, joining and stripping
    // their payloads was CPU spent on every event and API call for nothing.
    debug: (...m: unknown[]) => {
      if (l.isLevelEnabled?.('debug') !== false) l.debug({}, text(m));
    },
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
