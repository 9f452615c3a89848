/**
 * Events: replies in a run's thread continue its harness session; a mention in a channel, or a
 * direct message, starts a general conversation in that message's thread. Slack may deliver one
 * message several times (retries with the same event_id, and both `message` and `app_mention` for a
 * mention), so each is claimed once in the store before anything runs.
 */
import type { App } from '@slack/bolt';
import type { AccessPolicy } from '../core/access.ts';
import type { Logger } from '../core/logger.ts';
import type { SessionStore } from '../core/ports.ts';
import type { Runner } from '../core/runner.ts';
import { toSlack } from '../core/slack-escape.ts';
import { isStoreUnavailable } from '../core/store-unavailable.ts';
import { CANNOT_RECORD } from './commands.ts';
import { SLACK_LIMITS } from './limits.ts';

export interface EventDeps {
  runner: Runner;
  store: SessionStore;
  access: AccessPolicy;
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
  channel_type?: string;
}

/** Message subtypes that are still a person writing. */
const USER_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

export function register(app: App, deps: EventDeps): void {
  let botUserId: string | undefined;
  const mentionOfBot = async () => {
    botUserId ??= (await app.client.auth.test()).user_id;
    return botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : undefined;
  };

  const handle = async (event: MessageLike, body: { event_id?: string; team_id?: string }) => {
    if (!USER_SUBTYPES.has(event.subtype) || event.bot_id || !event.user) return;
    const inThread = Boolean(event.thread_ts && event.thread_ts !== event.ts);
    const isDm = event.channel_type === 'im';
    // Outside a thread, only a mention or a direct message is addressed to the bot.
    if (!inThread && event.type !== 'app_mention' && !isDm) return;
    const ttl = SLACK_LIMITS.eventDedupSeconds;
    if (body.event_id && !(await deps.store.remember(`event:${body.event_id}`, ttl))) {
      deps.log.debug({ eventId: body.event_id }, 'duplicate event ignored');
      return;
    }
    if (!(await deps.store.remember(`message:${event.channel}:${event.ts}`, ttl))) {
      deps.log.debug({ channel: event.channel, ts: event.ts }, 'message already handled');
      return;
    }
    // Refusals go privately to the person who wrote, through the same escaping as everything else.
    const tell = async (text: string) => {
      await app.client.chat
        .postEphemeral({
          channel: event.channel,
          user: event.user!,
          text: toSlack(text),
          ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}),
        })
        .catch((err) => deps.log.warn({ err }, 'could not send a refusal'));
    };
    const mention = await mentionOfBot().catch(() => undefined);
    const text = (mention ? (event.text ?? '').replace(mention, '') : (event.text ?? '')).trim();
    const teamId = body.team_id ?? '';
    if (inThread) {
      const result = await deps.runner.startFollowUp({
        teamId,
        channel: event.channel,
        threadTs: event.thread_ts!,
        userId: event.user,
        text: text || '(empty message)',
        messageTs: event.ts,
        tell,
      });
      // A mention in a thread that is not a run's thread starts a conversation there, as does a
      // message in a DM thread (Slack's agent view opens each conversation as a thread).
      if (result !== 'not_a_session' || (event.type !== 'app_mention' && !isDm)) return;
    }
    const where = deps.access.channel(event.channel);
    if (!where.allowed) {
      await tell(where.reason);
      return;
    }
    if (!text) {
      await app.client.chat
        .postMessage({
          channel: event.channel,
          thread_ts: event.thread_ts ?? event.ts,
          text: 'Ask me a question about your AWS environment, or start a run with `/assess`, `/chaos`, `/fis` or `/logs` (add `help` for usage).',
        })
        .catch((err) => deps.log.warn({ err }, 'could not answer an empty mention'));
      return;
    }
    await deps.runner.startConversation({
      teamId,
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
      userId: event.user,
      text,
      tell,
    });
  };

  const run = (event: MessageLike, body: { event_id?: string; team_id?: string }) => {
    void handle(event, body).catch(async (err) => {
      deps.log.error({ err, channel: event.channel, ts: event.ts }, 'event handling failed');
      // Slack already has its ack: the only way not to drop the message silently is to say so.
      if (!isStoreUnavailable(err) || !event.user || event.bot_id) return;
      await app.client.chat
        .postEphemeral({
          channel: event.channel,
          user: event.user,
          text: CANNOT_RECORD.replace('this request', 'your message'),
          ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}),
        })
        .catch((e) => deps.log.warn({ err: e }, 'could not tell the person their message was not recorded'));
    });
  };
  // The run belongs to the installation the event was delivered to: Bolt's context.teamId, read from
  // `authorizations[0].team_id`. In a Slack Connect channel the envelope's `team_id` names the
  // workspace that started the channel instead, which is neither where the bot's token acts (and
  // what Slack's rate limits charge) nor what a button click on the run's messages names.
  const installed = (body: { event_id?: string; team_id?: string }, teamId: string | undefined) => ({
    ...body,
    team_id: teamId ?? body.team_id,
  });
  app.event('message', async ({ event, body, context }) =>
    run(event as unknown as MessageLike, installed(body, context.teamId)),
  );
  app.event('app_mention', async ({ event, body, context }) =>
    run(event as unknown as MessageLike, installed(body, context.teamId)),
  );
}
