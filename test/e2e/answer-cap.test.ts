/**
 * A huge answer does not become hundreds of replies: at most MAX_ANSWER_REPLIES replies of text are
 * posted, the last one says the answer goes on, and the complete answer is attached as answer.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

function hugeAnswer(chars: number): string {
  const parts: string[] = [];
  for (let i = 0; parts.join('\n\n').length < chars; i++)
    parts.push(
      `Finding ${i}: pod p-${i} restarts because its liveness probe times out. ${'more detail '.repeat(20)}`,
    );
  return `${parts.join('\n\n')}\n`;
}

describe('answer size cap', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const mode of ['edit', 'native'] as const) {
    it(`${mode} mode: a 250 KB answer posts at most MAX_ANSWER_REPLIES replies, says so, and attaches the whole answer`, async () => {
      // Even with the long-answer file turned off: the file is then the only place the rest exists.
      rig = await startRig({
        env: { MAX_ANSWER_REPLIES: '3', LONG_ANSWER_FILE_CHARS: '0', STREAM_MODE: mode },
      });
      const text = hugeAnswer(250_000); // about 23 replies' worth without the cap
      rig.harness.enqueue(answer(text, { chunk: 20_000, delayMs: 1 }));
      const root = await commandRoot(rig, { command: '/assess', text: 'eks big-cluster' });
      await finalReplies(rig, CHANNEL, root.ts, 60_000);
      const withFile = await rig.slack.waitFor(
        () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.files?.length),
        15_000,
        'the attached answer',
      );
      expect(withFile.files![0]!.name).toBe('answer.md');
      expect(withFile.files![0]!.content).toBe(text);
      const replies = rig.slack.replies(CHANNEL, root.ts).filter((m) => !m.files);
      // Three replies' worth of text; splitting at paragraph boundaries may need one more message.
      expect(replies.length).toBeLessThanOrEqual(4);
      const last = replies.at(-1)!;
      expect(`${JSON.stringify(last.blocks ?? [])}${last.stream?.markdown ?? ''}`).toContain(
        'The complete answer is attached below as',
      );
    }, 90_000);
  }
});
