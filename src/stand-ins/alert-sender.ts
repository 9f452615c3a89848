/**
 * Another app posting in a channel, as Slack delivers it: the message is stored (so the bot can reply
 * in its thread) and, when the bot is a member, delivered as a `message` event carrying the app's own
 * fields (`bot_id`, `bot_profile` or a webhook's `username`, `attachments`, `blocks`). Used by the
 * alert tests and the sandbox's "simulate an alarm".
 */
import type { FakeSlack, StoredMessage } from './fake-slack.ts';

/** Which app posted a stored message (its profile or webhook name), for pages that show the author. */
const APP_NAMES = new WeakMap<StoredMessage, string>();

export function appNameOf(m: StoredMessage): string | undefined {
  return APP_NAMES.get(m);
}

export async function postAppMessage(
  slack: FakeSlack,
  message: Record<string, unknown>,
  channel: string,
): Promise<{ ts: string; status?: number }> {
  const ts = slack.nextTs();
  const attachments = message.attachments as Array<{ fallback?: string }> | undefined;
  const text =
    typeof message.text === 'string' && message.text ? message.text : (attachments?.[0]?.fallback ?? '');
  const stored = slack.store({
    channel,
    ts,
    botId: typeof message.bot_id === 'string' ? message.bot_id : undefined,
    user: typeof message.user === 'string' ? message.user : undefined,
    text,
    ...(Array.isArray(message.blocks) ? { blocks: message.blocks } : {}),
  });
  const profile = message.bot_profile as { name?: string } | undefined;
  const name = profile?.name ?? (typeof message.username === 'string' ? message.username : undefined);
  if (name) APP_NAMES.set(stored, name);
  const ch = slack.channels.get(channel);
  if (!ch?.members.has(slack.botUserId)) return { ts };
  const { ts: _ts, channel: _ch, ...fields } = message;
  const r = await slack.deliverEvent({
    ...fields,
    channel,
    ts,
    event_ts: ts,
    channel_type: ch.isPrivate ? 'group' : 'channel',
  });
  return { ts, status: r.status };
}
