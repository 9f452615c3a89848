/**
 * Pure Block Kit builders: view models in, Slack messages out. No Slack calls here, so every
 * rendered message can be checked against golden files.
 *
 * The agent's Markdown goes into a `markdown` block: Slack renders standard Markdown there itself
 * (headings, lists, code), except tables, rules and task lists, which the core rewrites first
 * (core/slack-markdown.ts). Mentions and links in it are neutralized at the Slack writer
 * (src/core/slack-escape.ts), like every other string; the bot's own mentions are sealed with
 * `mention()` so they alone stay live.
 */
import type { Explanation } from '../core/explain.ts';
import type { SlackMessage } from '../core/ports.ts';
import type { Presenter, ReplyView, RootView } from '../core/reply-view.ts';
import { mention } from '../core/slack-escape.ts';
import { finishedToolLabel as pastTense } from '../core/tool-label.ts';
import { answerExtras } from './answer-extras.ts';
import { SLACK_LIMITS } from './limits.ts';

type Block = Record<string, unknown>;

export const ACTION_STOP_RUN = 'stop_run';
export const ACTION_RETRY_RUN = 'retry_run';

export const presenter: Presenter = {
  reply: replyMessage,
  root: rootMessage,
  note: noteMessage,
  interrupted: interruptedMessage,
};

export function replyMessage(view: ReplyView): SlackMessage {
  const blocks: Block[] = [];
  const body = view.body.trimEnd();
  if (body) blocks.push({ type: 'markdown', text: body });
  // Under load the answer went on in replies of its own (core/reply-spill.ts); this one keeps the status.
  if (view.spilled) blocks.push(context(':arrow_down: the answer continues below'));
  if (view.live) {
    // The status line follows the agent: the tool it is running and for how long, else the phase.
    const running = view.live.activity.findLast((a) => a.state === 'running');
    const total = formatDuration(view.live.elapsedMs);
    const lines = [
      running
        ? `:hourglass_flowing_sand: ${capitalize(running.label)}${running.elapsedMs === undefined ? '' : ` for ${formatDuration(running.elapsedMs)}`} · ${total} in all`
        : `:hourglass_flowing_sand: ${body ? 'Working' : 'Starting'} · ${total}`,
    ];
    if (view.live.note) lines.push(`:information_source: ${escapeMrkdwn(view.live.note)}`);
    for (const a of view.live.activity) {
      if (a === running) continue;
      const icon = a.state === 'running' ? ':gear:' : a.state === 'done' ? ':white_check_mark:' : ':x:';
      lines.push(`${icon} ${a.state === 'running' ? a.label : pastTense(a.label)}`);
    }
    blocks.push(context(lines.join('\n')));
    if (view.live.stopValue) {
      blocks.push({
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_STOP_RUN,
            text: { type: 'plain_text', text: 'Stop' },
            value: view.live.stopValue,
            accessibility_label: 'Stop the agent run',
          },
        ],
      });
    }
  }
  if (view.continued) blocks.push(context(':arrow_down: continued in the next message'));
  if (view.result) {
    const r = view.result;
    if (r.notice) blocks.push(noticeBlock(r.notice));
    blocks.push(context(footer(r)));
    // What the message's blocks already hold decides how much of the step list fits with them.
    const room = SLACK_LIMITS.cumulativeBlockText - blockTextLength(blocks) - 200;
    blocks.push(...answerExtras(r, pastTense, room));
  }
  if (blocks.length === 0) blocks.push(context('_(no text)_'));
  const fallback = body || (view.result?.notice?.title ?? (view.live ? 'Working…' : 'Done.'));
  return { text: clip(fallback, SLACK_LIMITS.fallbackText), blocks };
}

export function rootMessage(view: RootView): SlackMessage {
  const details = view.details.map(([k, v]) => `*${k}:* ${escapeMrkdwn(v)}`).join('   ');
  const blocks: Block[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*${escapeMrkdwn(view.title)}*`, SLACK_LIMITS.sectionText) },
    },
    context(
      clip(
        [`Requested by ${mention(view.requester)}`, details, `skill \`${view.skill}\``]
          .filter(Boolean)
          .join('   ·   '),
        SLACK_LIMITS.contextElementText,
      ),
    ),
    context(':thread: The agent answers in this thread. Reply here to ask follow-up questions.'),
  ];
  return {
    text: clip(`${view.title} (requested by ${mention(view.requester)})`, SLACK_LIMITS.fallbackText),
    blocks,
  };
}

export function noteMessage(text: string): SlackMessage {
  return {
    text: clip(text, SLACK_LIMITS.fallbackText),
    blocks: [context(clip(text, SLACK_LIMITS.contextElementText))],
  };
}

export function interruptedMessage(why: string, retryValue: string): SlackMessage {
  const text = `:warning: This run was interrupted (${why}) before the agent finished. What it wrote so far is above.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_RETRY_RUN,
            text: { type: 'plain_text', text: 'Retry' },
            style: 'primary',
            value: retryValue,
          },
        ],
      },
    ],
  };
}

function noticeBlock(n: Explanation): Block {
  const icon = n.severity === 'error' ? ':warning:' : ':information_source:';
  // Titles and advice are the bot's own text (they may mention people); details come from services.
  const lines = [`${icon} *${n.title}*`, n.advice];
  if (n.details) lines.push(`_Details: ${escapeMrkdwn(n.details)}_`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(lines.join('\n'), SLACK_LIMITS.sectionText) },
  };
}

function footer(r: NonNullable<ReplyView['result']>): string {
  const icon = {
    done: ':white_check_mark: Done',
    warning: ':warning: Ended early',
    failed: ':x: Failed',
    stopped: ':octagonal_sign: Stopped',
    paused: ':double_vertical_bar: Paused',
    not_started: ':no_entry: Experiment not started',
  }[r.outcome];
  const parts = [
    r.outcome === 'paused'
      ? `${icon} after ${formatDuration(r.elapsedMs)}, waiting for the step below`
      : r.outcome === 'not_started'
        ? `${icon}${r.decision ? ` (${escapeMrkdwn(r.decision)})` : ''}   ·   answered in ${formatDuration(r.elapsedMs)}`
        : `${icon} in ${formatDuration(r.elapsedMs)}`,
  ];
  if (r.toolCalls > 0) parts.push(`${r.toolCalls} tool call${r.toolCalls === 1 ? '' : 's'}`);
  if (r.usage) {
    parts.push(
      `${formatNumber(r.usage.totalTokens)} tokens (${formatNumber(r.usage.inputTokens)} in · ${formatNumber(r.usage.outputTokens)} out)`,
    );
  }
  if (r.cost) parts.push(`≈ ${formatUsd(r.cost.usd)} est. (${escapeMrkdwn(r.cost.model)} list prices)`);
  return parts.join('   ·   ');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function formatUsd(usd: number): string {
  return usd < 0.01 ? '<$0.01' : `$${usd.toFixed(usd < 10 ? 2 : 0)}`;
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

/** Text from people or the agent placed into mrkdwn: Slack's three control characters escaped. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Characters of text in blocks, roughly as Slack counts them toward msg_blocks_too_long. */
function blockTextLength(blocks: Block[]): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) if (k === 'text' || typeof x === 'object') walk(x);
  };
  walk(blocks);
  return n;
}
