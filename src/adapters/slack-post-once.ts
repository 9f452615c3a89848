/**
 * chat.postMessage without duplicates (slack-once.ts): every post carries its own id in Slack message
 * metadata, and after a lost answer the thread (or, for a root post, the channel) is read back, with
 * `include_all_metadata` (Slack returns metadata only then), for a message with that id: found, its
 * ts is the post's; not found, the post goes again, same id.
 */
import { randomUUID } from 'node:crypto';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import { lookupSince, type OnceOptions, type ScheduleRead, SEND_RETRIES, sendOnce } from './slack-once.ts';

export { mayHaveLanded } from './slack-once.ts';

/** The metadata event type of the bot's posts (letters, digits, underscores: Slack's rule for event_type). */
export const POST_EVENT_TYPE = 'agentcore_bot_post';
export const POST_RETRIES = SEND_RETRIES;
/** Enough for the replies a run's thread gets in the time a post is retried. */
const LOOKUP_LIMIT = 200;

export interface PostOnceOptions extends OnceOptions {
  /** Where the lookups are paced and their 429s waited out (default: sent at once). */
  read?: ScheduleRead;
}

/** Posts once; resolves to the message's ts. Errors are Slack's client's, for the caller to map. */
export async function postOnce(
  client: WebClient,
  args: ChatPostMessageArguments & { channel: string; thread_ts?: string },
  opts: PostOnceOptions = {},
): Promise<{ ts?: string }> {
  const postId = randomUUID();
  const since = lookupSince();
  const tagged = {
    ...args,
    metadata: { event_type: POST_EVENT_TYPE, event_payload: { post_id: postId } },
  } as ChatPostMessageArguments;
  const read: ScheduleRead = opts.read ?? ((_method, _channel, fn) => fn());
  return sendOnce(
    {
      what: 'post',
      channel: args.channel,
      send: async () => ({ ts: (await client.chat.postMessage(tagged)).ts }),
      find: async () => {
        const ts = await findPost(client, read, args.channel, args.thread_ts, postId, since);
        return ts ? { ts } : undefined;
      },
    },
    opts,
  );
}

/** The ts of the message carrying `postId`, or undefined when there is none (yet). */
async function findPost(
  client: WebClient,
  read: ScheduleRead,
  channel: string,
  threadTs: string | undefined,
  postId: string,
  since: string,
): Promise<string | undefined> {
  const common = { channel, oldest: since, inclusive: true, include_all_metadata: true, limit: LOOKUP_LIMIT };
  const res = threadTs
    ? await read('conversations.replies', channel, () =>
        client.conversations.replies({ ...common, ts: threadTs }),
      )
    : await read('conversations.history', channel, () => client.conversations.history(common));
  for (const m of res.messages ?? []) {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { post_id?: unknown } } })
      .metadata;
    if (meta?.event_type === POST_EVENT_TYPE && meta.event_payload?.post_id === postId && m.ts) return m.ts;
  }
  return undefined;
}
