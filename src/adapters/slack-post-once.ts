/**
 * chat.postMessage without duplicates. A post is not idempotent and Slack does not deduplicate it:
 * when a request fails without an answer (a timeout, a reset connection, a 5xx) the post may well
 * have landed, and sending it again blindly puts the same reply in the thread twice. So every post
 * carries its own id in Slack message metadata, and after such a failure the thread (or, for a root
 * post, the channel) is read back, with `include_all_metadata` (Slack returns metadata only then),
 * for a message with that id: found, its ts is the post's; not found, the post goes again, same id.
 *
 * The client used here must not retry on its own (retries 0): its retries would re-send blindly.
 * Rate limits are not this code's business: a 429 (nothing posted) goes back to the scheduler as before.
 */
import { randomUUID } from 'node:crypto';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { Logger } from '../core/logger.ts';

/** The metadata event type of the bot's posts (letters, digits, underscores: Slack's rule for event_type). */
export const POST_EVENT_TYPE = 'agentcore_bot_post';

/** As often and as spaced as the critical client retried before (retries 4, factor 2, 0.5 s to 10 s). */
export const POST_RETRIES = 4;
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/**
 * The lookup starts this long before the first attempt: Slack stamps the message with its own clock,
 * which may be behind ours.
 */
const CLOCK_MARGIN_S = 60;
/** Enough for the replies a run's thread gets in the time a post is retried. */
const LOOKUP_LIMIT = 200;

/** Errors after which the post may have landed: no answer from Slack (timeout, reset) or a 5xx. */
export function mayHaveLanded(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error';
}

export interface PostOnceOptions {
  log?: Logger;
  /** Waits between attempts (tests pass a quick one). */
  sleep?: (ms: number) => Promise<void>;
}

/** Posts once; resolves to the message's ts. Errors are Slack's client's, for the caller to map. */
export async function postOnce(
  client: WebClient,
  args: ChatPostMessageArguments & { channel: string; thread_ts?: string },
  opts: PostOnceOptions = {},
): Promise<{ ts?: string }> {
  const postId = randomUUID();
  const since = (Date.now() / 1000 - CLOCK_MARGIN_S).toFixed(6);
  const tagged = {
    ...args,
    metadata: { event_type: POST_EVENT_TYPE, event_payload: { post_id: postId } },
  } as ChatPostMessageArguments;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await client.chat.postMessage(tagged);
      return { ts: res.ts };
    } catch (err) {
      if (!mayHaveLanded(err) || attempt >= POST_RETRIES) throw err;
      // Wait first: a post Slack answered late may still be on its way into the thread.
      await sleep(backoff(attempt));
      const found = await findPost(client, args.channel, args.thread_ts, postId, since).catch(
        (lookupErr: unknown) => {
          opts.log?.warn(
            { channel: args.channel, err: describe(lookupErr), postErr: describe(err) },
            'could not check whether a failed Slack post landed; posting again, a duplicate is possible',
          );
          return null;
        },
      );
      if (found) {
        opts.log?.info(
          { channel: args.channel, ts: found, err: describe(err) },
          'a Slack post whose answer was lost had landed; not posting it again',
        );
        return { ts: found };
      }
      if (found === undefined)
        opts.log?.info(
          { channel: args.channel, err: describe(err) },
          'a failed Slack post had not landed; posting again',
        );
    }
  }
}

/** The ts of the message carrying `postId`, or undefined when there is none (yet). */
async function findPost(
  client: WebClient,
  channel: string,
  threadTs: string | undefined,
  postId: string,
  since: string,
): Promise<string | undefined> {
  const common = { channel, oldest: since, inclusive: true, include_all_metadata: true, limit: LOOKUP_LIMIT };
  const res = threadTs
    ? await client.conversations.replies({ ...common, ts: threadTs })
    : await client.conversations.history(common);
  for (const m of res.messages ?? []) {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { post_id?: unknown } } })
      .metadata;
    if (meta?.event_type === POST_EVENT_TYPE && meta.event_payload?.post_id === postId && m.ts) return m.ts;
  }
  return undefined;
}

function backoff(attempt: number): number {
  // p-retry's randomized exponential backoff, which the critical client used.
  return Math.round(Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt * (1 + Math.random())));
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ? `${e.code}: ${e.message ?? ''}` : String(err);
}
