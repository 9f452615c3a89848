/**
 * SlackWriter over @slack/web-api. Slack's errors become SlackWriteError with Slack's own code,
 * so the core can tell "content refused" from "rate limited" from "not in channel".
 */
import type { WebClient } from '@slack/web-api';
import { type SlackMessage, SlackWriteError, type SlackWriter } from '../core/ports.ts';

export class WebApiSlackWriter implements SlackWriter {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<string> {
    const res = await call(() =>
      this.client.chat.postMessage({
        channel,
        text: message.text,
        ...(message.blocks.length > 0 ? { blocks: message.blocks as never } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!res.ts) throw new SlackWriteError('no_ts', 'chat.postMessage returned no ts');
    return res.ts;
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await call(() =>
      this.client.chat.update({
        channel,
        ts,
        text: message.text,
        blocks: message.blocks as never,
      }),
    );
  }

  async react(channel: string, ts: string, name: string): Promise<void> {
    await call(() => this.client.reactions.add({ channel, timestamp: ts, name }));
  }

  async unreact(channel: string, ts: string, name: string): Promise<void> {
    await call(() => this.client.reactions.remove({ channel, timestamp: ts, name }));
  }

  async join(channel: string): Promise<void> {
    await call(() => this.client.conversations.join({ channel }));
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toWriteError(err);
  }
}

export function toWriteError(err: unknown): SlackWriteError {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    return new SlackWriteError('ratelimited', 'Slack rate limit', e.retryAfter);
  }
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error) {
    return new SlackWriteError(e.data.error, `Slack refused the call: ${e.data.error}`);
  }
  return new SlackWriteError(e?.code ?? 'request_failed', e?.message ?? String(err));
}
