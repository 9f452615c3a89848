/**
 * postOnce against the fake Slack through Slack's own client: a post whose answer is lost is looked
 * for (by the id in its metadata) before it is sent again, in the thread or, for a root post, in the
 * channel; the fake holds metadata as Slack does (returned only with include_all_metadata).
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST_EVENT_TYPE, postOnce } from '../../src/adapters/slack-post-once.ts';
import type { Logger } from '../../src/core/logger.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';

const CHANNEL = 'C0GENERAL';

function recordingLog(lines: string[]): Logger {
  const log: Logger = {
    debug: () => undefined,
    info: (_o, m) => void lines.push(`info ${m}`),
    warn: (_o, m) => void lines.push(`warn ${m}`),
    error: (_o, m) => void lines.push(`error ${m}`),
    child: () => log,
  };
  return log;
}

describe('postOnce: a post whose answer was lost is not sent twice', () => {
  let slack: FakeSlack;
  let client: WebClient;
  const lines: string[] = [];
  const quick = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))) };
  beforeEach(async () => {
    slack = new FakeSlack();
    await slack.start();
    client = new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      timeout: 300,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });
    lines.length = 0;
  });
  afterEach(async () => {
    await slack.stop();
  });

  it('a thread reply answered late is found in the thread: one message, its ts returned', async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root' });
    slack.slowDown('chat.postMessage', 700);
    const res = await postOnce(
      client,
      { channel: CHANNEL, text: 'reply', thread_ts: root.ts! },
      { ...quick, log: recordingLog(lines) },
    );
    const replies = slack.replies(CHANNEL, root.ts!);
    expect(replies.map((m) => m.text)).toEqual(['reply']);
    expect(res.ts).toBe(replies[0]!.ts);
    const lookup = slack.callsTo('conversations.replies')[0]!;
    expect(lookup.params).toMatchObject({ ts: root.ts, include_all_metadata: 'true' });
    expect(lines).toEqual(['info a Slack post whose answer was lost had landed; not sending it again']);
  });

  it('a root post answered late is found in the channel', async () => {
    slack.slowDown('chat.postMessage', 700);
    const res = await postOnce(client, { channel: CHANNEL, text: 'root' }, quick);
    expect(slack.rootMessages(CHANNEL).map((m) => m.ts)).toEqual([res.ts]);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
  });

  it('a post that did not land is sent again, with the same post id', async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root' });
    // Slack fails the call (nothing stored) and its answer is lost too.
    slack.failNext('chat.postMessage', 'internal_error');
    slack.slowDown('chat.postMessage', 700);
    const res = await postOnce(client, { channel: CHANNEL, text: 'reply', thread_ts: root.ts! }, quick);
    const replies = slack.replies(CHANNEL, root.ts!);
    expect(replies.map((m) => m.ts)).toEqual([res.ts]);
    const posts = slack.callsTo('chat.postMessage').slice(1);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.params.metadata).toEqual(posts[1]!.params.metadata);
    expect(replies[0]!.metadata).toEqual(posts[0]!.params.metadata);
  });

  it('when the lookup fails the post goes again and the log says a duplicate is possible', async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root' });
    slack.slowDown('chat.postMessage', 700);
    slack.failNext('conversations.replies', 'internal_error');
    await postOnce(
      client,
      { channel: CHANNEL, text: 'reply', thread_ts: root.ts! },
      {
        ...quick,
        log: recordingLog(lines),
      },
    );
    expect(slack.replies(CHANNEL, root.ts!)).toHaveLength(2);
    expect(lines).toEqual([
      'warn could not check whether a failed Slack post landed; sending it again, a duplicate is possible',
    ]);
  });

  it('gives up after as many retries as the critical client made (4)', async () => {
    slack.failNext('chat.postMessage', 'internal_error', 10);
    slack.slowDown('chat.postMessage', 700, 10);
    const err = await postOnce(client, { channel: CHANNEL, text: 'root' }, quick).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('slack_webapi_request_error');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(5);
  });

  it('a refusal or a 429 is not retried here (nothing was posted; the scheduler handles 429s)', async () => {
    slack.rateLimitNext('chat.postMessage', 1);
    const err = await postOnce(client, { channel: CHANNEL, text: 'x' }, quick).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('slack_webapi_rate_limited_error');
    slack.failNext('chat.postMessage', 'msg_too_long');
    const refused = await postOnce(client, { channel: CHANNEL, text: 'x' }, quick).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe('slack_webapi_platform_error');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.callsTo('conversations.history')).toHaveLength(0);
  });
});

describe('fake Slack: message metadata as Slack holds it', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeEach(async () => {
    slack = new FakeSlack();
    await slack.start();
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.stop();
  });

  const metadata = { event_type: POST_EVENT_TYPE, event_payload: { post_id: 'p1' } };

  it('is returned by history and replies only with include_all_metadata', async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root', metadata });
    expect(root.message?.metadata).toEqual(metadata);
    await client.chat.postMessage({ channel: CHANNEL, text: 'r', thread_ts: root.ts!, metadata });
    const plain = await client.conversations.history({ channel: CHANNEL });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const all = await client.conversations.history({ channel: CHANNEL, include_all_metadata: true });
    expect(all.messages?.[0]?.metadata).toEqual(metadata);
    const replies = await client.conversations.replies({ channel: CHANNEL, ts: root.ts! });
    expect(replies.messages?.map((m) => m.metadata)).toEqual([undefined, undefined]);
    const withMeta = await client.conversations.replies({
      channel: CHANNEL,
      ts: root.ts!,
      include_all_metadata: true,
    });
    expect(withMeta.messages?.map((m) => m.metadata)).toEqual([metadata, metadata]);
  });

  it('a malformed metadata is refused; an event_type Slack does not allow is dropped with a warning', async () => {
    const bad = await client.chat
      .postMessage({ channel: CHANNEL, text: 'x', metadata: { event_type: 'x' } as never })
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(bad).toBe('invalid_metadata_format');
    const dotted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'y',
      metadata: { event_type: 'bot.post', event_payload: {} },
    });
    expect(dotted.response_metadata?.messages).toEqual(['[WARN] invalid_metadata_schema']);
    expect(slack.message(CHANNEL, dotted.ts!)?.metadata).toBeUndefined();
  });
});
