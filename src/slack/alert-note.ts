/**
 * The bot's note under an alarm notification (with the Investigate button), and the notes it posts
 * when the alarm's state changes later. Pure Block Kit builders; every string still passes the Slack
 * writer's escaping, and alarm names are shown with look-alike characters for mrkdwn's markers.
 */
import type { AlertEpisode } from '../alerts/episodes.ts';
import { type AlertState, sourceName } from '../alerts/facts.ts';
import type { Investigation } from '../alerts/investigation.ts';
import { plainInTitle } from '../core/commands.ts';
import type { SlackMessage } from '../core/ports.ts';
import { slackDate } from '../core/slack-escape.ts';
import { escapeMrkdwn } from './blocks.ts';
import { SLACK_LIMITS } from './limits.ts';

export const ACTION_INVESTIGATE = 'alert_investigate';

const STATE_EMOJI: Record<AlertState, string> = {
  firing: ':red_circle:',
  ok: ':large_green_circle:',
  insufficient_data: ':grey_question:',
  acknowledged: ':eyes:',
};

export function alarmLabel(name: string): string {
  return `\`${escapeMrkdwn(plainInTitle(name.length > 200 ? `${name.slice(0, 199)}…` : name))}\``;
}

export function alertNote(ep: AlertEpisode, inv: Investigation): SlackMessage {
  const f = ep.facts;
  const where = [f.region ?? f.regionLabel, f.account ? `account ${f.account}` : undefined]
    .filter(Boolean)
    .map((s) => escapeMrkdwn(String(s)))
    .join(', ');
  const headline = `${STATE_EMOJI[f.state]} ${sourceName(f.source)} alarm ${alarmLabel(f.name)} is *${escapeMrkdwn(f.rawState)}*${where ? ` (${where})` : ''}.`;
  const plan =
    inv.skills.length > 1
      ? `*Investigate* reads the logs around the state change and reviews the ${escapeMrkdwn(inv.details.find(([k]) => k === 'Resource')?.[1] ?? 'resource')}.`
      : '*Investigate* reads the logs around the state change.';
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(headline, SLACK_LIMITS.sectionText) } },
    context(`${plan} Read-only; the agent answers in this thread.`),
  ];
  if (f.confidence === 'lookalike') {
    blocks.push(
      context(
        `:warning: This message only looks like a notification from ${sourceName(f.source)}, so nothing starts by itself. Check it before investigating.`,
      ),
    );
  }
  if (ep.changes > 1) {
    blocks.push(
      context(
        `Latest: *${escapeMrkdwn(ep.rawState)}* ${slackDate(ep.lastAt)} · ${ep.changes} notifications of this alarm so far`,
      ),
    );
  }
  blocks.push({
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_INVESTIGATE,
        text: { type: 'plain_text', text: 'Investigate' },
        style: 'primary',
        value: ep.id,
      },
    ],
  });
  return {
    text: clip(`Alarm ${plainInTitle(f.name)} is ${f.rawState}: Investigate?`, SLACK_LIMITS.fallbackText),
    blocks,
  };
}

/** Said in the investigation's thread when a later notification changes the alarm's state. */
export function stateChangeText(
  name: string,
  state: AlertState,
  rawState: string,
  at: number,
  agentWorking: boolean,
): string {
  const what =
    state === 'ok'
      ? 'is OK again'
      : state === 'firing'
        ? 'fired again'
        : `changed to ${escapeMrkdwn(rawState)}`;
  return `${STATE_EMOJI[state]} The alarm ${alarmLabel(name)} ${what} (notified ${slackDate(at)}).${agentWorking ? ' The agent is still working; I have told it.' : ''}`;
}

function context(text: string) {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.contextElementText) }],
  };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
