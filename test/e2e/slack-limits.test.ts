import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

function longReport(sections: number): string {
  const parts: string[] = ['# Long report\n'];
  for (let i = 1; i <= sections; i++) {
    parts.push(`## Finding ${i}\n\n${`Observation ${i}: the value was checked and recorded. `.repeat(12)}\n`);
    if (i % 5 === 0) {
      parts.push(
        `\`\`\`bash\n${Array.from({ length: 40 }, (_, j) => `kubectl get pods -n team-${i}-${j} -o wide`).join('\n')}\n\`\`\`\n`,
      );
    }
  }
  return parts.join('\n');
}

/** The agent text a reply shows (its markdown block). */
function bodyOf(blocks: unknown[] | undefined): string {
  return ((blocks ?? []) as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'markdown')
    .map((b) => b.text)
    .join('');
}

describe('Slack limits and errors', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  it('a long answer continues in new replies, loses no character and never breaks a code block', async () => {
    const report = longReport(60);
    expect(report.length).toBeGreaterThan(30_000);
    rig.harness.enqueue(answer(report, { chunk: 400 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks big-cluster' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 20_000);
    expect(replies.length).toBeGreaterThanOrEqual(3);
    const bodies = replies.map((m) => bodyOf(m.blocks));
    for (const b of bodies) {
      expect(b.length).toBeLessThanOrEqual(12_000);
      expect((b.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    // Every character arrives: strip the fences added at cuts and compare the words.
    const shown = bodies
      .join('\n')
      .replace(/^```(bash)?$/gm, '')
      .replace(/\s+/g, ' ')
      .trim();
    expect(shown).toBe(
      report
        .replace(/^```(bash)?$/gm, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(JSON.stringify(replies.at(-1)!.blocks)).toContain('Done in');
  });

  it('keeps streaming through 429s on chat.update and ends with the complete text', async () => {
    rig.slack.rateLimitNext('chat.update', 1, 2);
    rig.harness.enqueue(answer('Rate limits do not lose text. '.repeat(30), { chunk: 20, delayMs: 5 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks rl-cluster' });
    const final = (await finalReplies(rig, CHANNEL, root.ts, 20_000)).at(-1)!;
    expect(bodyOf(final.blocks)).toBe('Rate limits do not lose text. '.repeat(30).trimEnd());
    expect(rig.slack.callsTo('chat.update').some((c) => c.status === 429)).toBe(true);
  });

  it('joins a public channel it is not in, and explains privately when it cannot post in a private one', async () => {
    rig.slack.addChannel({ id: 'C0PUBLIC1', name: 'platform', members: [USER] });
    rig.harness.enqueue(answer('Joined and answered.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster', channel: 'C0PUBLIC1' });
    await finalReplies(rig, 'C0PUBLIC1', root.ts);
    expect(rig.slack.callsTo('conversations.join').some((c) => c.params.channel === 'C0PUBLIC1')).toBe(true);

    rig.slack.addChannel({ id: 'G0PRIVATE', name: 'secret-ops', isPrivate: true, members: [USER] });
    const n = rig.harness.invocations.length;
    await rig.slack.slashCommand({
      command: '/assess',
      text: 'eks my-cluster',
      user: USER,
      channel: 'G0PRIVATE',
    });
    const note = await rig.slack.waitFor(
      () => rig.slack.ephemerals.find((e) => e.channel === 'G0PRIVATE' && e.via === 'response_url'),
      5000,
      'ephemeral explanation',
    );
    expect(note.text).toContain('/invite');
    expect(rig.slack.rootMessages('G0PRIVATE')).toHaveLength(0);
    expect(rig.harness.invocations.length).toBe(n);
  });
});
