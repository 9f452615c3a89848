/**
 * completeUploadOnce against the fake Slack through Slack's own client: files whose completion
 * answer was lost are looked for in the thread before they are completed again (completing again
 * shares them again, a second message with the same file).
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeUploadOnce } from '../../src/adapters/slack-upload-once.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';

const CHANNEL = 'C0GENERAL';
const quick = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))) };

describe('completeUploadOnce: files whose completion answer was lost are not shared twice', () => {
  let slack: FakeSlack;
  let client: WebClient;
  /** For the calls around the one under test: under load a plain call may take longer than 300 ms. */
  let patient: WebClient;
  beforeEach(async () => {
    slack = new FakeSlack();
    await slack.start();
    patient = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    client = new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      timeout: 300,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });
  });
  afterEach(async () => {
    await slack.stop();
  });

  async function uploaded(content: string): Promise<string> {
    const target = await patient.files.getUploadURLExternal({ filename: 'r.md', length: content.length });
    await fetch(target.upload_url!, { method: 'POST', body: content });
    return target.file_id!;
  }

  it('completing the same file again shares it again (the fake, as the strictest reading of Slack)', async () => {
    const root = await patient.chat.postMessage({ channel: CHANNEL, text: 'root' });
    const id = await uploaded('report');
    const args = { files: [{ id }] as [{ id: string }], channel_id: CHANNEL, thread_ts: root.ts! };
    await patient.files.completeUploadExternal(args);
    await patient.files.completeUploadExternal(args);
    expect(slack.replies(CHANNEL, root.ts!).filter((m) => m.files?.length)).toHaveLength(2);
  });

  it('an upload answered late is found in the thread: shared once', async () => {
    const root = await patient.chat.postMessage({ channel: CHANNEL, text: 'root' });
    const id = await uploaded('report');
    slack.slowDown('files.completeUploadExternal', 700);
    await completeUploadOnce(
      client,
      { files: [{ id, title: 'Report' }], channel_id: CHANNEL, thread_ts: root.ts! },
      quick,
    );
    const shared = slack.replies(CHANNEL, root.ts!).filter((m) => m.files?.length);
    expect(shared.map((m) => m.files!.map((f) => f.id))).toEqual([[id]]);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(slack.callsTo('conversations.replies')[0]!.params).toMatchObject({ ts: root.ts });
  });

  it('an upload that did not land is completed again, with the same file ids', async () => {
    const root = await patient.chat.postMessage({ channel: CHANNEL, text: 'root' });
    const id = await uploaded('report');
    slack.failNext('files.completeUploadExternal', 'internal_error');
    slack.slowDown('files.completeUploadExternal', 700);
    await completeUploadOnce(client, { files: [{ id }], channel_id: CHANNEL, thread_ts: root.ts! }, quick);
    const shared = slack.replies(CHANNEL, root.ts!).filter((m) => m.files?.length);
    expect(shared.map((m) => m.files!.map((f) => f.id))).toEqual([[id]]);
    const calls = slack.callsTo('files.completeUploadExternal');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.params.files).toEqual(calls[1]!.params.files);
  });
});
