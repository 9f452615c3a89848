import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newEpisode } from '../../src/alerts/episodes.ts';
import { investigationFor } from '../../src/alerts/investigation.ts';
import { recognizeAlert } from '../../src/alerts/recognize.ts';
import type { SlackMessageEvent } from '../../src/alerts/slack-message.ts';
import { toSlack, toSlackBlocks } from '../../src/core/slack-escape.ts';
import { alertNote, stateChangeText } from '../../src/slack/alert-note.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const NOW = Date.parse('2015-06-03T18:00:00Z');
const fixture = (name: string): SlackMessageEvent =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8'));

/** What the Slack writer would send, against test/unit/golden/<name> (UPDATE_GOLDEN=1 rewrites it). */
function golden(name: string, content: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, content);
  }
  expect(content).toBe(readFileSync(file, 'utf8'));
}
const sent = (m: { text: string; blocks: unknown[] }) =>
  `${JSON.stringify({ text: toSlack(m.text), blocks: toSlackBlocks(m.blocks) }, null, 2)}\n`;

describe('alarm note and investigation prompt', () => {
  const facts = recognizeAlert(fixture('sns-single-metric.json'))!;
  const episode = newEpisode('T1', 'C1', '1700000100.000100', facts, 3_600_000, NOW);
  const inv = investigationFor(facts, 'us-west-2', NOW);

  it('the note (SNS sample) matches its golden file and is valid Block Kit', () => {
    const note = alertNote(episode, inv);
    expect(validateBlocks(note.blocks)).toBeUndefined();
    golden('alert-note-sns.json', sent(note));
  });

  it('a look-alike that flapped says so, with the latest state', () => {
    const lookalike = recognizeAlert({
      type: 'message',
      ts: '1.1',
      channel: 'C1',
      bot_id: 'B1',
      bot_profile: { name: 'random-bot' },
      text: 'The alarm db *cpu* <!channel> changed state to ALARM: x\nhttps://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/db',
    })!;
    const ep = {
      ...newEpisode('T1', 'C1', '1.1', lookalike, 60_000, NOW),
      changes: 4,
      rawState: 'OK',
      state: 'ok' as const,
    };
    const note = alertNote(ep, investigationFor(lookalike, 'us-east-1', NOW));
    expect(validateBlocks(note.blocks)).toBeUndefined();
    const out = sent(note);
    // Another app's words never ping or format: no live broadcast, no bold from the name.
    expect(out).not.toContain('<!channel>');
    expect(out).not.toContain('*cpu*');
    golden('alert-note-lookalike.json', out);
  });

  it('the investigation prompt (SNS sample) matches its golden file', () => {
    expect(inv.skills).toEqual(['app-service-log-analysis', 'aws-best-practice-research']);
    golden('alert-investigation-sns.txt', `${inv.prompt}\n`);
  });

  it('a state change note says what changed and whether the agent was told', () => {
    const text = toSlack(stateChangeText('orders-latency', 'ok', 'OK', NOW, true));
    expect(text).toMatch(/The alarm `orders-latency` is OK again \(notified <!date\^\d+\^/);
    expect(text).toMatch(/I have told it\.$/);
  });
});
