/**
 * A hostile agent cannot broadcast, ping or phish through any path that carries its words to Slack
 * (issue 12, item 3): edits, new messages, the plain-text fallback after a failed final edit,
 * native streams (Markdown and task titles), and attached files' titles and comment.
 * Every Slack call the bot makes is inspected, not just what the fake renders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../src/stand-ins/fake-slack.ts';
import { answer, toolCall } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, OTHER_USER, type Rig, startRig } from '../helpers/rig.ts';

const HOSTILE =
  'Urgent <!channel> <!here> <!everyone> <!subteam^S0SRE0001|@sre>: <@' +
  OTHER_USER +
  '> must act. <https://evil.example/approve|Approve the FIS card> or [Approve the FIS card](https://evil.example/a). @here';

/** Broadcasts, a mention of Bob (nobody legitimate mentions Bob here) and links with hidden targets. */
const FORBIDDEN = [
  /<!channel/,
  /<!here/,
  /<!everyone/,
  /<!subteam/,
  new RegExp(`<@${OTHER_USER}`),
  /<[^>]*\|Approve the FIS card>/,
  /\]\(https:\/\/evil/,
  /@here\b/,
];

const WRITE_METHODS = [
  'chat.postMessage',
  'chat.update',
  'chat.startStream',
  'chat.appendStream',
  'chat.stopStream',
  'files.getUploadURLExternal',
  'files.completeUploadExternal',
];

const STREAM_METHODS = new Set(['chat.startStream', 'chat.appendStream', 'chat.stopStream']);

/**
 * What Slack would see: each call's parameters, and, for streams, the Markdown of all chunks joined
 * in order (Slack assembles a streamed message from its chunks, so a control split across two
 * appends must not reappear when they are joined).
 */
function leaks(calls: ApiCall[]): string[] {
  const out: string[] = [];
  let streamed = '';
  for (const c of calls) {
    const json = JSON.stringify(c.params);
    for (const re of FORBIDDEN) if (re.test(json)) out.push(`${c.method}: ${re}`);
    if (STREAM_METHODS.has(c.method)) {
      const chunks = (typeof c.params.chunks === 'string' ? JSON.parse(c.params.chunks) : c.params.chunks) as
        | Array<{ type: string; text?: string }>
        | undefined;
      for (const ch of chunks ?? []) if (ch.type === 'markdown_text') streamed += ch.text ?? '';
    }
  }
  for (const re of FORBIDDEN) if (re.test(streamed)) out.push(`joined stream: ${re}`);
  return out;
}

const hostileRun = () =>
  answer(HOSTILE, {
    chunk: 7,
    delayMs: 15,
    tools: [
      toolCall('shell', { command: `echo '${HOSTILE}'` }, 'ok'),
      toolCall('aws___search_documentation', { search_phrase: '<!channel> <@U0BOB0002>' }, '[]', {
        serverName: 'aws-knowledge-mcp',
      }),
    ],
  });

describe('agent output reaches Slack escaped on every path', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const writes = () => WRITE_METHODS.flatMap((m) => rig!.slack.callsTo(m));

  it('edits, new messages and status lines (tool inputs)', async () => {
    rig = await startRig({ env: { REPORT_FILES: 'off' } });
    rig.harness.enqueue(hostileRun());
    const root = await commandRoot(rig, { command: '/assess', text: 'eks hostile' });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(rig.slack.callsTo('chat.update').length).toBeGreaterThan(0);
    expect(leaks(writes())).toEqual([]);
    // The words are still shown, with the link's real target.
    const shown = JSON.stringify(replies.map((m) => m.blocks));
    expect(shown).toContain('Approve the FIS card (https://evil.example/approve)');
    expect(shown.replace(/\u2060/g, '')).toContain('@channel');
  });

  it('the plain-text fallback after the final edit is refused', async () => {
    rig = await startRig({ env: { REPORT_FILES: 'off' } });
    rig.harness.enqueue(answer(HOSTILE));
    rig.slack.failNext('chat.update', 'invalid_blocks', 50);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks fallback' });
    await rig.slack.waitFor(
      () =>
        rig!.slack
          .callsTo('chat.postMessage')
          .some((c) => !c.params.blocks && String(c.params.text).includes('evil.example')),
      15_000,
      'the plain-text fallback',
    );
    await finalReplies(rig, CHANNEL, root.ts).catch(() => undefined);
    expect(leaks(writes())).toEqual([]);
  });

  it('native streaming: Markdown chunks, task titles and the closing blocks', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native', REPORT_FILES: 'off' } });
    rig.harness.enqueue(hostileRun());
    const root = await commandRoot(rig, { command: '/assess', text: 'eks native' });
    await finalReplies(rig, CHANNEL, root.ts);
    expect(rig.slack.callsTo('chat.appendStream').length).toBeGreaterThan(0);
    expect(leaks(writes())).toEqual([]);
  });

  it('attached files: titles, names and the comment', async () => {
    rig = await startRig({ env: { LONG_ANSWER_FILE_CHARS: '0' } });
    const reply = answer('Report attached.');
    if ('steps' in reply)
      reply.steps.unshift({ writeFile: { path: '/tmp/reports/<!channel>-approve.md', content: HOSTILE } });
    rig.harness.enqueue(reply);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks files' });
    await finalReplies(rig, CHANNEL, root.ts);
    await rig.slack.waitFor(
      () => rig!.slack.callsTo('files.completeUploadExternal').length > 0,
      10_000,
      'the upload',
    );
    expect(leaks(writes())).toEqual([]);
  });
});
