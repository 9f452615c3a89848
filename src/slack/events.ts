/**
 * Events: replies in a run's thread continue its harness session. Slack may deliver one message
 * several times (retries with the same event_id, and both `message` and `app_mention` for a
 * mention), so each is claimed once in the store before anything runs.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../core/logger.ts';
import type { SessionStore } from '../core/ports.ts';
import type { Runner } from '../core/runner.ts';
import { SLACK_LIMITS } from './limits.ts';

export interface EventDeps {
  runner: Runner;
  store: SessionStore;
  log: Logger;
}

interface MessageLike {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
}

/** Message subtypes that are still a person writing to the thread. */
const USER_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

export function register(app: App, deps: EventDeps): void {
  const handle = async (event: MessageLike, body: { event_id?: string; team_id?: string }) => {
    if (!USER_SUBTYPES.has(event.subtype) || event.bot_id || !event.user) return;
    if (!event.thread_ts || event.thread_ts === event.ts) {
      if (event.type === 'app_mention') await hint(app, event, deps);
      return;
    }
    const text = (event.text ?? '').trim();
    if (!text) return;
    const ttl = SLACK_LIMITS.eventDedupSeconds;
    if (body.event_id && !(await deps.store.remember(`event:${body.event_id}`, ttl))) {
      deps.log.debug({ eventId: body.event_id }, 'duplicate event ignored');
      return;
    }
    if (!(await deps.store.remember(`message:${event.channel}:${event.ts}`, ttl))) {
      deps.log.debug({ channel: event.channel, ts: event.ts }, 'message already handled');
      return;
    }
    void deps.runner
      .startFollowUp({
        teamId: body.team_id ?? '',
        channel: event.channel,
        threadTs: event.thread_ts,
        userId: event.user,
        text,
      })
      .catch(() => undefined);
  };

  app.event('message', async ({ event, body }) => handle(event as unknown as MessageLike, body));
  app.event('app_mention', async ({ event, body }) => handle(event as unknown as MessageLike, body));
}

async function hint(app: App, event: MessageLike, deps: EventDeps): Promise<void> {
  if (!(await deps.store.remember(`message:${event.channel}:${event.ts}`, SLACK_LIMITS.eventDedupSeconds)))
    return;
  await app.client.chat
    .postMessage({
      channel: event.channel,
      thread_ts: event.ts,
      text: 'Start a run with `/assess`, `/chaos`, `/fis` or `/logs` (add `help` for usage). Replies in a run’s thread go to the agent.',
    })
    .catch((err) => deps.log.warn({ err }, 'could not answer a mention'));
}
