/**
 * Markdown Slack does not render (tables, horizontal rules, task lists) is rewritten so a person can
 * read it; golden files hold the rendered replies.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewriteForSlack, SlackMarkdownRewriter } from '../../src/core/slack-markdown.ts';
import { replyMessage } from '../../src/slack/blocks.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';
import { EKS_REPORT } from '../../src/stand-ins/scenarios.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

function golden(name: string, value: unknown): void {
  const file = join(GOLDEN, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** Feeds the text in small pieces, as the agent's stream arrives. */
function streamed(text: string, size: number): string {
  const r = new SlackMarkdownRewriter();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += r.push(text.slice(i, i + size));
  return out + r.end();
}

const WIDE = `Findings:

| Resource | Region | Finding | Recommendation |
|---|---|---|---|
| arn:aws:eks:us-west-2:123456789012:cluster/my-cluster | us-west-2 | Public endpoint open to 0.0.0.0/0 | Restrict publicAccessCidrs |
| arn:aws:eks:us-west-2:123456789012:nodegroup/ng-1 | us-west-2 | Single AZ | Spread over three AZs |
`;

describe('Markdown that Slack does not render', () => {
  it('an agent table becomes an aligned monospace block (golden reply)', () => {
    const body = rewriteForSlack(EKS_REPORT);
    expect(body).not.toMatch(/^\|/m);
    expect(body).toContain('Pillar       Passed  Failed');
    const reply = replyMessage({ body });
    expect(validateBlocks(reply.blocks)).toBeUndefined();
    golden('reply-table', reply);
  });

  it('a table too wide to align becomes one line per row, each value named (golden reply)', () => {
    const body = rewriteForSlack(WIDE);
    expect(body).toContain(
      '- **Resource:** arn:aws:eks:us-west-2:123456789012:cluster/my-cluster · **Region:** us-west-2',
    );
    golden('reply-table-wide', replyMessage({ body }));
  });

  it('rules and task lists are rewritten; numbers align right when the table says so', () => {
    expect(rewriteForSlack('Intro\n\n---\n\n- [ ] drain ng-1\n- [x] cordon ng-1\n')).toBe(
      `Intro\n\n${'─'.repeat(24)}\n\n- ☐ drain ng-1\n- ☑ cordon ng-1\n`,
    );
    // A line of dashes under text is a heading underline, left alone.
    expect(rewriteForSlack('Heading\n---\n')).toBe('Heading\n---\n');
    expect(rewriteForSlack('| node | pods |\n|:--|--:|\n| ng-1 | 7 |\n| ng-22 | 110 |\n')).toBe(
      '```\nnode   pods\n─────  ────\nng-1      7\nng-22   110\n```\n',
    );
  });

  it('code blocks are left untouched, and a pipe line that is not a table passes through', () => {
    const text = '```\n| a | b |\n|---|---|\n```\n| just a line |\nafter\n';
    expect(rewriteForSlack(text)).toBe(text);
  });

  it('streaming in any piece size gives the same result as the whole text, and ordinary text is not held back', () => {
    for (const size of [1, 3, 7, 50]) expect(streamed(EKS_REPORT, size)).toBe(rewriteForSlack(EKS_REPORT));
    const r = new SlackMarkdownRewriter();
    expect(r.push('Working on it')).toBe('Working on it');
    expect(r.push(' now.\n| a |')).toBe(' now.\n');
    expect(r.push(' b |\n|---|---|\n| 1 | 2 |\n\nDone')).toBe('```\na    b\n───  ───\n1    2\n```\n\nDone');
  });
});
