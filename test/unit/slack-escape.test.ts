import { describe, expect, it } from 'vitest';
import {
  mention,
  neutralize,
  slackDate,
  toSlack,
  toSlackBlocks,
  trusted,
} from '../../src/core/slack-escape.ts';

/** Anything Slack could turn into a notification or a link with a hidden target. */
const CONTROL = /<[!@#]|<[a-z][a-z0-9+.-]*:|\]\(/i;
const BROADCAST_WORD = /@(here|channel|everyone)\b/i;

const HOSTILE = [
  'Heads up <!channel> and <!here|here> and <!everyone>, ',
  'ping <!subteam^S0SRE0001|@sre> and <@U0BOB0002> and <@U0BOB0002|bob>, see <#C0OPS0001|ops>. ',
  '<https://evil.example/approve|Approve the FIS card> or [Approve the FIS card](https://evil.example/a) ',
  'or ![img](https://evil.example/i.png) or <mailto:x@evil.example|mail>. Plain @here and @channel too.',
].join('');

describe('neutralize (text from the agent or a tool)', () => {
  it('shows mentions and broadcasts as text, never as controls', () => {
    const out = neutralize(HOSTILE);
    expect(out).not.toMatch(CONTROL);
    expect(out.replace(/\u2060/g, '')).toContain('@channel');
    expect(out.replace(/\u2060/g, '')).toContain('@sre');
    expect(out.replace(/\u2060/g, '')).toContain('@bob');
    expect(out).not.toMatch(BROADCAST_WORD);
  });

  it('shows every link with its real target', () => {
    const out = neutralize(HOSTILE);
    expect(out).toContain('Approve the FIS card (https://evil.example/approve)');
    expect(out).toContain('Approve the FIS card (https://evil.example/a)');
    expect(out).toContain('img (https://evil.example/i.png)');
    expect(neutralize('see <https://docs.aws.amazon.com/fis/>')).toBe('see https://docs.aws.amazon.com/fis/');
    expect(neutralize('[https://a.example](https://a.example)')).toBe('https://a.example');
  });

  it('leaves ordinary text and code alone', () => {
    for (const s of [
      'Score: 78 / 100, p99 < 200 ms, a -> b, `kubectl get pods -l "app in (a,b)"`',
      '```bash\nfor i in 1 2; do echo "$i" > /tmp/x; done\n```',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      'mail bob@example.com about `Map<string, number>`',
    ]) {
      expect(neutralize(s)).toBe(s);
    }
  });

  it('is idempotent', () => {
    const once = neutralize(HOSTILE);
    expect(neutralize(once)).toBe(once);
  });

  it('cannot be beaten by splitting a control across streamed chunks', () => {
    for (const token of [
      '<!channel>',
      '<!subteam^S0SRE0001|@sre>',
      '<@U0BOB0002>',
      '<https://evil.example|Approve the FIS card>',
      '[Approve the FIS card](https://evil.example)',
      '@here ',
    ]) {
      const s = `before ${token} after`;
      for (let i = 1; i < s.length; i++) {
        for (let j = i; j < s.length; j++) {
          const joined = neutralize(s.slice(0, i)) + neutralize(s.slice(i, j)) + neutralize(s.slice(j));
          expect(joined, `split at ${i}/${j}`).not.toMatch(CONTROL);
          expect(joined, `split at ${i}/${j}`).not.toMatch(BROADCAST_WORD);
        }
      }
    }
  });
});

describe('toSlack (the Slack boundary)', () => {
  it('keeps the bot’s own sealed mentions and dates live and neutralizes the rest', () => {
    const s = `Requested by ${mention('U0ALICE01')}, approvers ${mention('S0SRE0001')}, at ${slackDate(1_795_000_000_000)}: agent says <!channel> <@U0BOB0002>`;
    const out = toSlack(s);
    expect(out).toContain('<@U0ALICE01>');
    expect(out).toContain('<!subteam^S0SRE0001>');
    expect(out).toContain('<!date^1795000000^');
    expect(out).not.toContain('<!channel>');
    expect(out).not.toContain('<@U0BOB0002>');
  });

  it('does not let agent text forge a seal, and a clipped seal leaks nothing', () => {
    const sealed = trusted('<!channel>');
    const forged = `\uE000AAAAAAAAAAAA<!channel>\uE001 ${sealed.replace(/<!channel>/, '<!here>').slice(0, 3)}`;
    const out = toSlack(forged);
    expect(out).not.toMatch(CONTROL);
    expect(out).not.toMatch(/[\uE000\uE001]/);
    const clipped = `note ${mention('U0ALICE01')}`.slice(0, 12);
    expect(toSlack(clipped)).toBe('note ');
  });

  it('leaves Block Kit identifiers and button values untouched', () => {
    const blocks = [
      {
        type: 'actions',
        block_id: 'approval:<@x>',
        elements: [
          { type: 'button', action_id: 'a', value: 'C1|1.2', text: { type: 'plain_text', text: '<!here>' } },
        ],
      },
    ];
    const out = toSlackBlocks(blocks);
    expect(out[0]!.block_id).toBe('approval:<@x>');
    expect(out[0]!.elements[0]!.value).toBe('C1|1.2');
    expect(out[0]!.elements[0]!.text.text).not.toContain('<!here>');
  });
});
