/**
 * The Home tab as Block Kit (pure: a model in, a view out; at most 100 blocks): my recent runs with
 * links, those still in progress, approvals waiting for me with the card's key facts, experiments
 * running now with an Emergency stop, and a short how-to.
 */
import type { ApprovalRecord } from '../core/approval-types.ts';
import type { HomeModel, HomeRun } from '../core/home.ts';
import { mention, slackDate, trusted } from '../core/slack-escape.ts';
import { escapeMrkdwn } from './blocks.ts';

type Block = Record<string, unknown>;

export const ACTION_HOME_STOP = 'home_emergency_stop';

/** A link to a message: Slack's permalink form, from the workspace URL auth.test gives. */
export function messageLink(workspaceUrl: string, channel: string, ts: string, threadTs?: string): string {
  const base = `${workspaceUrl.replace(/\/?$/, '/')}archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}

const STATE: Record<string, string> = {
  running: ':hourglass_flowing_sand: working',
  awaiting_approval: ':double_vertical_bar: waiting for an approval',
  idle: ':white_check_mark: ready for follow-ups',
  gone: ':white_circle: expired',
};

export function homeView(m: HomeModel, workspaceUrl: string): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [header('Your agent runs')];
  const inProgress = m.recent.filter((r) => r.status === 'running' || r.status === 'awaiting_approval');
  blocks.push(section(`*In progress* (${inProgress.length})`));
  if (inProgress.length === 0) blocks.push(context('Nothing of yours is running.'));
  for (const r of inProgress) blocks.push(section(runLine(r, workspaceUrl)));
  blocks.push(section('*Recent*'));
  if (m.recent.length === 0)
    blocks.push(context('No runs yet. Try `/assess eks <cluster>` in a channel, or ask me in a DM.'));
  for (const r of m.recent) blocks.push(section(runLine(r, workspaceUrl)));
  blocks.push(section(`*In progress in the workspace* (${m.workspaceRuns.length})`));
  if (m.workspaceRuns.length === 0) blocks.push(context('No agent run is working right now.'));
  for (const r of m.workspaceRuns) {
    const url = messageLink(workspaceUrl, r.channel, r.threadTs);
    blocks.push(section(`${link(url, clip(r.title ?? r.skill, 150))} · asked by ${mention(r.requester)}`));
  }

  if (m.approvalsEnabled) {
    blocks.push({ type: 'divider' }, header('Approvals waiting for you'));
    if (m.approvals.length === 0) blocks.push(context('No FIS experiment is waiting for your approval.'));
    for (const a of m.approvals.slice(0, 10)) blocks.push(section(approvalLine(a, workspaceUrl)));
    blocks.push({ type: 'divider' }, header('Experiments running now'));
    if (m.experiments.length === 0) blocks.push(context('No FIS experiment is running.'));
    for (const a of m.experiments.slice(0, 10)) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: experimentLine(a, workspaceUrl) },
        accessory: {
          type: 'button',
          action_id: ACTION_HOME_STOP,
          style: 'danger',
          text: { type: 'plain_text', text: 'Emergency stop' },
          value: a.id,
          confirm: {
            title: { type: 'plain_text', text: 'Stop this experiment?' },
            text: { type: 'mrkdwn', text: `FIS stops experiment \`${a.experimentId ?? a.id}\` at once.` },
            confirm: { type: 'plain_text', text: 'Stop it' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
      });
    }
  }
  blocks.push(
    { type: 'divider' },
    header('How to use me'),
    section(
      [
        '• `/assess eks <cluster> [region]`, `/assess <service>`, `/chaos <service>`, `/logs <log group> [1h]`: a run in a thread; reply there to ask follow-ups.',
        '• `/fis prepare <what to test>` designs an experiment; `/fis run <template-id>` asks for a human approval before anything starts.',
        '• DM me, or open me in the agent view, for a read-only question.',
        '• Stop a run with the stop button; rate answers with :thumbsup: / :thumbsdown: so the team sees which skills disappoint.',
      ].join('\n'),
    ),
  );
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/** The bot's own link; the label is escaped so words in it cannot end the link or add one. */
function link(url: string, label: string): string {
  return trusted(`<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`);
}

function runLine(r: HomeRun & { status: string }, url: string): string {
  return `${link(messageLink(url, r.channel, r.threadTs), clip(r.title, 150))} · ${STATE[r.status] ?? r.status} · ${slackDate(r.createdAt)}`;
}

function approvalLine(a: ApprovalRecord, url: string): string {
  const card = a.cardTs ? messageLink(url, a.thread.channel, a.cardTs, a.thread.threadTs) : undefined;
  const actions = Object.keys(a.template.actions ?? {}).length;
  const targets = Object.keys(a.template.targets ?? {}).length;
  return [
    `*${escapeMrkdwn(a.templateId)}* in ${escapeMrkdwn(a.region)} · requested by ${mention(a.requester)}`,
    `${actions} action${actions === 1 ? '' : 's'}, ${targets} target${targets === 1 ? '' : 's'} · expires ${slackDate(a.expiresAt)}`,
    card ? link(card, 'Open the approval card') : 'The card is being posted.',
  ].join('\n');
}

function experimentLine(a: ApprovalRecord, url: string): string {
  const card = a.cardTs ? messageLink(url, a.thread.channel, a.cardTs, a.thread.threadTs) : undefined;
  return `*${escapeMrkdwn(a.experimentId ?? 'starting')}* from ${escapeMrkdwn(a.templateId)} · ${escapeMrkdwn(a.experimentStatus ?? a.status)} · requested by ${mention(a.requester)}${card ? ` · ${link(card, 'card')}` : ''}`;
}

function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text } };
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } };
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
