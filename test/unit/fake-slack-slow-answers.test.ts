/**
 * The fake Slack's slow answers, through Slack's own client: the call lands at once and only the
 * answer is late, so a client that times out cannot know its post landed. With the client's own
 * retries (p-retry retries a timed-out request: @slack/web-api's makeRequest turns the abort into a
 * WebAPIRequestError, which is not an AbortError) the same message is posted twice.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';

const CHANNEL = 'C0GENERAL';

describe('fake Slack: slow answers', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = new FakeSlack();
    await slack.start();
  });
  afterEach(async () => {
    await slack.stop();
  });

  const client = (retries: number) =>
    new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      timeout: 300,
      retryConfig: { retries, minTimeout: 20, maxTimeout: 20 },
      logLevel: LogLevel.ERROR,
    });

  it('a post answered after the client’s timeout has landed: the client sees a request error', async () => {
    slack.slowDown('chat.postMessage', 700);
    const err = await client(0)
      .chat.postMessage({ channel: CHANNEL, text: 'hello' })
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('slack_webapi_request_error');
    expect(slack.rootMessages(CHANNEL).map((m) => m.text)).toEqual(['hello']);
  });

  it('Slack’s client re-sends a timed-out post on its own: the message is there twice', async () => {
    slack.slowDown('chat.postMessage', 700);
    const res = await client(2).chat.postMessage({ channel: CHANNEL, text: 'hello' });
    expect(res.ok).toBe(true);
    expect(slack.rootMessages(CHANNEL).map((m) => m.text)).toEqual(['hello', 'hello']);
  });

  it('only calls the rule matches are slow, and only as many times as asked', async () => {
    slack.slowDown('chat.postMessage', 700, 1, (p) => p.thread_ts !== undefined);
    const c = client(0);
    const root = await c.chat.postMessage({ channel: CHANNEL, text: 'root' });
    const late = await c.chat
      .postMessage({ channel: CHANNEL, text: 'reply', thread_ts: root.ts! })
      .catch((e: unknown) => e);
    expect((late as { code?: string }).code).toBe('slack_webapi_request_error');
    await c.chat.postMessage({ channel: CHANNEL, text: 'reply 2', thread_ts: root.ts! });
    expect(slack.replies(CHANNEL, root.ts!).map((m) => m.text)).toEqual(['reply', 'reply 2']);
  });
});
