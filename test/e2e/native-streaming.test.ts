/**
 * Native streaming against the fake's field-observed rules: the content-mode lock, streams Slack ends
 * by itself (lifetime and idle gap, then a broken message until chat.update), Slack's own stop,
 * recipients in DMs vs channels, and channel types that cannot stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { answer, assistantText, toolCall, usage } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

function markdownOf(replies: StoredMessage[]): string {
  return replies
    .map((m) =>
      ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
        .filter((b) => b.type === 'markdown')
        .map((b) => b.text ?? '')
        .join(''),
    )
    .join('')
    .replace(/\s+/g, '');
}

/** No reply may be left live or in Slack's broken after-expiry look. */
function noBrokenStreams(replies: StoredMessage[]): void {
  for (const m of replies) expect(m.stream?.state ?? 'completed').not.toMatch(/^(streaming|expired)$/);
}

describe('native streaming (STREAM_MODE=native) against Slack’s streaming rules', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('opens every stream with content as chunks, so the chunks that follow are accepted', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    rig.harness.enqueue(
      answer('First paragraph.\n\nSecond paragraph.', {
        chunk: 8,
        delayMs: 20,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 30 })],
      }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    const starts = rig.slack.callsTo('chat.startStream');
    expect(starts.length).toBeGreaterThan(0);
    for (const c of starts) {
      expect(c.error).toBeUndefined();
      expect(Array.isArray(c.params.chunks) && (c.params.chunks as unknown[]).length).toBeTruthy();
      expect(c.params.markdown_text).toBeUndefined();
    }
    const errors = rig.slack.calls.filter((c) => c.method.endsWith('Stream') && c.error).map((c) => c.error);
    expect(errors).toEqual([]);
    expect(replies.every((m) => m.stream?.mode === 'chunks')).toBe(true);
    expect(markdownOf(replies)).toBe('Firstparagraph.Secondparagraph.');
    noBrokenStreams(replies);
  });

  it('keeps each streamed message under Slack’s byte cap, so non-ASCII answers stream without msg_too_long', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    // Cyrillic: two UTF-8 bytes per letter, so this answer is over 20k bytes.
    const text = Array.from({ length: 400 }, (_, i) => `Узел ${i}: проверка завершена успешно.`).join('\n\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(11_000);
    rig.harness.enqueue(answer(text, { chunk: 200, delayMs: 5 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
    expect(rig.slack.calls.filter((c) => c.error).map((c) => `${c.method}:${c.error}`)).toEqual([]);
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.every((m) => m.stream?.state === 'completed')).toBe(true);
    for (const m of replies) expect(Buffer.byteLength(m.stream!.markdown)).toBeLessThanOrEqual(10_600);
    expect(markdownOf(replies)).toBe(text.replace(/\s+/g, ''));
  });

  it('the fake refuses what Slack refuses: mode mismatch, editing a live stream, writing to another app’s message', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    const post = async (method: string, body: Record<string, unknown>) =>
      (await (
        await fetch(`${rig!.slack.apiUrl}${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${rig!.slack.botToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: CHANNEL, ...body }),
        })
      ).json()) as { ok: boolean; error?: string; ts?: string };
    const root = await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'a person wrote this' });
    const recipient = { recipient_user_id: USER, recipient_team_id: rig.slack.teamId, thread_ts: root.ts };
    const chunk = [{ type: 'markdown_text', text: 'x' }];
    const empty = await post('chat.startStream', recipient);
    expect(await post('chat.appendStream', { ts: empty.ts, chunks: chunk })).toMatchObject({
      error: 'streaming_mode_mismatch',
    });
    expect(await post('chat.appendStream', { ts: empty.ts, markdown_text: 'ok' })).toMatchObject({
      ok: true,
    });
    const chunked = await post('chat.startStream', { ...recipient, chunks: chunk });
    expect(await post('chat.appendStream', { ts: chunked.ts, markdown_text: 'y' })).toMatchObject({
      error: 'streaming_mode_mismatch',
    });
    expect(await post('chat.update', { ts: chunked.ts, text: 'edit' })).toMatchObject({
      error: 'streaming_state_conflict',
    });
    expect(await post('chat.appendStream', { ts: root.ts, chunks: chunk })).toMatchObject({
      error: 'message_not_owned_by_app',
    });
    expect(await post('chat.stopStream', { ts: chunked.ts })).toMatchObject({ ok: true });
    expect(await post('chat.appendStream', { ts: chunked.ts, chunks: chunk })).toMatchObject({
      error: 'message_not_in_streaming_state',
    });
  });

  it('a stream that Slack ends after an idle gap is repaired with chat.update and the answer continues', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' }, slack: { streamIdleMs: 700 } });
    rig.harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Before the long tool call. ', { chunk: 10, delayMs: 10 }),
        ...toolCall('shell', { command: 'sleep 2' }, 'done', { delayMs: 1_800, index: 1 }),
        ...assistantText('After it, nothing is lost.', { chunk: 10, delayMs: 10, index: 2 }),
        { event: 'messageStop', data: { stopReason: 'end_turn' } },
        usage(100, 20),
      ],
    });
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
    expect(rig.slack.calls.some((c) => c.error === 'message_not_in_streaming_state')).toBe(true);
    // The broken message was replaced with a normal one holding its text.
    const repaired = rig.slack.callsTo('chat.update').filter((c) => !c.error);
    expect(repaired.length).toBeGreaterThan(0);
    expect(replies.length).toBeGreaterThan(1);
    noBrokenStreams(replies);
    expect(markdownOf(replies)).toBe('Beforethelongtoolcall.Afterit,nothingislost.');
    expect(JSON.stringify(replies.at(-1)!.blocks)).toMatch(/Done in/);
  });

  it('Slack’s own stop on the stream stops the run like the Stop button and says who stopped it', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    rig.harness.enqueue(answer('word '.repeat(400), { chunk: 5, delayMs: 15 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const live = await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.stream?.state === 'streaming' && m.text),
      10_000,
      'a live stream',
    );
    rig.slack.stopStreamAsUser(CHANNEL, live.ts, USER);
    const replies = await finalReplies(rig, CHANNEL, root.ts, 15_000);
    const last = JSON.stringify(replies.at(-1)!.blocks);
    expect(last).toMatch(/Stopped in/);
    expect(last).toContain(`Stopped by <@${USER}>`);
    // The agent's session was ended, as with the Stop button.
    await rig.slack.waitFor(() => rig!.harness.stoppedSessions.length > 0, 5_000, 'StopRuntimeSession');
    // Not treated as a streaming failure: no fallback warning text, no retry of the stopped stream.
    expect(rig.slack.callsTo('chat.appendStream').filter((c) => c.error === 'stopped_by_user').length).toBe(
      1,
    );
  });

  it('after Slack’s stop, the text that was still on its way continues in a new message without splitting a word', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    // Pieces of 7 characters end inside words, as model output does.
    rig.harness.enqueue(
      answer('Set CPU and memory limits on every container. '.repeat(40), { chunk: 7, delayMs: 15 }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const live = await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.stream?.state === 'streaming' && m.text),
      10_000,
      'a live stream',
    );
    rig.slack.stopStreamAsUser(CHANNEL, live.ts, USER);
    const replies = await finalReplies(rig, CHANNEL, root.ts, 15_000);
    const words = new Set(['Set', 'CPU', 'and', 'memory', 'limits', 'on', 'every', 'container.']);
    const texts = replies
      .map((m) =>
        ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
          .filter((b) => b.type === 'markdown')
          .map((b) => b.text ?? '')
          .join(''),
      )
      .filter((t) => t.trim());
    expect(texts.length).toBeGreaterThan(1);
    // No message ends or starts inside a word. (The very end may: the agent was stopped mid-word.)
    expect(texts.join('|')).not.toMatch(/\w\|\w/);
    const tokens = texts.join(' ').trim().split(/\s+/).slice(0, -1);
    expect(tokens.filter((w) => !words.has(w))).toEqual([]);
  });

  it('in a DM the stream needs no recipient; in a channel it does (and the bot always names one)', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    rig.slack.addChannel({ id: 'D0ALICE01', name: 'alice-dm', members: [USER, rig.slack.botUserId] });
    // The fake follows Slack's reference: recipients are required outside DMs only.
    const api = `${rig.slack.apiUrl}chat.startStream`;
    const call = async (channel: string, threadTs: string) =>
      (await (
        await fetch(api, {
          method: 'POST',
          headers: { authorization: `Bearer ${rig!.slack.botToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel, thread_ts: threadTs, markdown_text: 'hi' }),
        })
      ).json()) as { ok: boolean; error?: string };
    const dmRoot = await rig.slack.userMessage({ user: USER, channel: 'D0ALICE01', text: 'hello' });
    const chRoot = await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'hello' });
    expect(await call('D0ALICE01', dmRoot.ts)).toMatchObject({ ok: true });
    expect(await call(CHANNEL, chRoot.ts)).toMatchObject({ ok: false, error: 'missing_recipient_team_id' });
  });

  it('a group DM cannot stream (channel_type_not_supported): the reply is written with edits', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    rig.slack.addChannel({
      id: 'G0MPIM001',
      name: 'mpdm-alice-bob',
      kind: 'mpim',
      members: [USER, rig.slack.botUserId],
    });
    rig.harness.enqueue(answer('Group answer.', { delayMs: 10 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster', channel: 'G0MPIM001' });
    const replies = await finalReplies(rig, 'G0MPIM001', root.ts);
    expect(rig.slack.callsTo('chat.startStream')[0]!.error).toBe('channel_type_not_supported');
    expect(replies.every((m) => !m.stream)).toBe(true);
    expect(markdownOf(replies)).toBe('Groupanswer.');
  });
});
