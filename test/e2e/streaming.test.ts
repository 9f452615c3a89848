import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { answer, EKS_REPORT, toolCall } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, HARNESS_ARN, type Rig, startRig, USER } from '../helpers/rig.ts';

/** A long Markdown answer with paragraphs, a list and a code block. */
function longAnswer(paragraphs: number): string {
  const parts: string[] = ['## Findings'];
  for (let i = 0; i < paragraphs; i++) {
    parts.push(
      `Paragraph ${i}: the node group ng-${i} runs ${i % 7} pods without requests; ${'detail '.repeat(12)}`,
    );
    if (i % 5 === 2)
      parts.push(`\`\`\`bash\nkubectl describe nodegroup ng-${i}\nkubectl top pods -n team-${i}\n\`\`\``);
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * All markdown text the thread shows (streamed or edited replies), without fences and whitespace:
 * messages may end mid-line when a stream expires, so only the characters themselves are compared.
 */
function shownText(replies: StoredMessage[]): string {
  return replies
    .map((m) =>
      ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
        .filter((b) => b.type === 'markdown')
        .map((b) => b.text ?? '')
        .join(''),
    )
    .join('')
    .replace(/```(bash)?\n/g, '')
    .replace(/```/g, '')
    .replace(/\s+/g, '');
}

function normalised(text: string): string {
  return text
    .replace(/```(bash)?\n/g, '')
    .replace(/```/g, '')
    .replace(/\s+/g, '');
}

describe('streaming, long output and attachments', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('native mode streams into the thread for the requester, rolls over when a stream expires, and loses nothing', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' }, slack: { streamLifetimeMs: 1_500 } });
    const text = longAnswer(30);
    rig.harness.enqueue(
      answer(text, {
        chunk: 60,
        delayMs: 40,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 50 })],
      }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 30_000);
    const streamed = replies.filter((m) => m.stream);
    // Every reply is a native stream (no edit fallback), more than one because the first expired.
    expect(streamed.length).toBe(replies.length);
    expect(streamed.length).toBeGreaterThan(1);
    // The only edits are repairs of streams Slack ended by itself (their broken look replaced).
    for (const u of rig.slack.callsTo('chat.update'))
      expect(
        rig.slack.calls.some(
          (c) => c.error === 'message_not_in_streaming_state' && c.params.ts === u.params.ts,
        ),
      ).toBe(true);
    for (const m of replies) expect(m.stream!.state).toBe('completed');
    const starts = rig.slack.callsTo('chat.startStream').filter((c) => !c.error);
    for (const c of starts) {
      expect(c.params.recipient_user_id).toBe(USER);
      expect(c.params.recipient_team_id).toBe(rig.slack.teamId);
      expect(c.params.thread_ts).toBe(root.ts);
    }
    // Tool activity became task updates.
    expect([...streamed[0]!.stream!.tasks.values()].map((t) => t.title).join()).toContain(
      'kubectl get nodes',
    );
    expect(shownText(replies)).toBe(normalised(text));
    expect(JSON.stringify(replies.at(-1)!.blocks)).toMatch(/Done in/);
    expect(JSON.stringify(replies.at(-1)!.blocks)).toMatch(/est\./);
  });

  for (const mode of ['edit', 'native'] as const) {
    it(`an agent table is shown as an aligned monospace block (${mode} mode)`, async () => {
      rig = await startRig({ env: { STREAM_MODE: mode } });
      rig.harness.enqueue(answer(EKS_REPORT, { chunk: 9, delayMs: 5 }));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
      const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
      const shown = replies
        .flatMap((m) => (m.blocks ?? []) as Array<{ type: string; text?: string }>)
        .filter((b) => b.type === 'markdown')
        .map((b) => b.text)
        .join('\n');
      expect(shown).not.toMatch(/^\|/m);
      expect(shown).toContain('```\nPillar       Passed  Failed\n');
      expect(shown).toContain('Reliability  9       3\n```');
    });
  }

  it('native mode falls back to edits on a streaming error, continuing after the text Slack accepted', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    const text = longAnswer(12);
    rig.harness.enqueue(answer(text, { chunk: 50, delayMs: 30 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).some((m) => m.stream && m.stream.markdown.length > 0),
      10_000,
      'streamed text',
    );
    rig.slack.failNext('chat.appendStream', 'internal_error');
    const replies = await finalReplies(rig, CHANNEL, root.ts, 30_000);
    expect(replies[0]!.stream).toBeDefined();
    expect(replies.some((m) => !m.stream)).toBe(true);
    expect(shownText(replies)).toBe(normalised(text));
  });

  it('native mode without a usable stream (startStream refused) uses edits from the start', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' } });
    rig.slack.failNext('chat.startStream', 'missing_recipient_team_id');
    rig.harness.enqueue(answer('Short answer.', { delayMs: 10 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.stream).toBeUndefined();
    expect(shownText(replies)).toBe('Shortanswer.');
  });

  it('a long answer is split into replies and also uploaded as a Markdown file (files upload v2, in the thread)', async () => {
    rig = await startRig({ env: { LONG_ANSWER_FILE_CHARS: '3000' } });
    const text = longAnswer(80);
    expect(text.length).toBeGreaterThan(11_000);
    rig.harness.enqueue(answer(text, { chunk: 400, delayMs: 5 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts, 30_000);
    const withFile = await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.files?.length),
      10_000,
      'the uploaded file',
    );
    expect(withFile.files![0]!.name).toBe('answer.md');
    expect(withFile.files![0]!.content).toBe(text);
    const complete = rig.slack.callsTo('files.completeUploadExternal')[0]!;
    expect(complete.params.thread_ts).toBe(root.ts);
    expect(rig.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const messages = rig.slack.replies(CHANNEL, root.ts).filter((m) => !m.files);
    expect(messages.length).toBeGreaterThan(1);
    expect(shownText(messages)).toBe(normalised(text));
  });

  it('attaches the report files the agent wrote in its session, read with InvokeAgentRuntimeCommand', async () => {
    rig = await startRig();
    const report = '# EKS report\n\n| check | result |\n|---|---|\n| PDBs | missing |\n';
    const reply = answer('Done: the report is in /tmp/reports/eks.md.', { delayMs: 5 });
    if ('steps' in reply)
      reply.steps.unshift({ writeFile: { path: '/tmp/reports/eks.md', content: report } });
    rig.harness.enqueue(reply);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    const withFile = await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.files?.length),
      10_000,
      'the attached report',
    );
    expect(withFile.files!.map((f) => [f.name, f.content])).toEqual([['eks.md', report]]);
    const sessionId = rig.harness.invocations[0]!.sessionId;
    expect(rig.harness.commands.map((c) => [c.harnessArn, c.sessionId])).toEqual([
      [HARNESS_ARN, sessionId],
      [HARNESS_ARN, sessionId],
    ]);
    expect(rig.harness.commands[0]!.command).toMatch(/^ls .*\/tmp\/reports\/\*\.md/);
    expect(rig.harness.commands[1]!.command).toBe("cat -- '/tmp/reports/eks.md'");
  });
});
