/**
 * The approval card for an FIS experiment: what will be injected, into what (blast radius), for how
 * long, what stops it, who asked, who may decide, until when. Pure: record in, Block Kit out.
 * Everything on it comes from the template the bot read from FIS itself; the agent's own words are
 * shown only as quoted, labelled text.
 */
import type { ApprovalRecord } from '../core/approval-types.ts';
import type { FisTemplate } from '../core/fis.ts';
import type { SlackMessage } from '../core/ports.ts';
import { escapeMrkdwn } from './blocks.ts';
import { SLACK_LIMITS } from './limits.ts';

export const ACTION_APPROVE = 'fis_approve';
export const ACTION_DENY = 'fis_deny';
export const ACTION_STOP = 'fis_stop';

type Block = Record<string, unknown>;

export interface CardContext {
  /** Approver user ids (U…/W…) and user group ids (S…), for the mention line. */
  approvers: string[];
  /** The template id the slash command named, when different from the one requested. */
  commandTemplateId?: string;
}

export function approvalCard(a: ApprovalRecord, ctx: CardContext): SlackMessage {
  const t = a.template;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: headerText(a), emoji: true } },
    section(
      `*Template:* \`${a.templateId}\`${t.description ? ` · ${escapeMrkdwn(t.description)}` : ''}\n*Region:* ${a.region}   *Requested by:* <@${a.requester}>   *Duration:* ${duration(t) ?? 'not stated'}`,
    ),
    section(`*Actions*\n${actionLines(t)}`),
    section(`*Targets (blast radius)*\n${targetLines(t)}`),
    section(stopConditionText(t)),
  ];
  const warnings: string[] = [];
  if (ctx.commandTemplateId && ctx.commandTemplateId !== a.templateId) {
    warnings.push(
      `The agent asked for \`${a.templateId}\`, not \`${ctx.commandTemplateId}\` named in the command.`,
    );
  }
  if (warnings.length) blocks.push(section(warnings.map((w) => `:warning: ${w}`).join('\n')));
  blocks.push(
    section(
      `*Agent's summary:* ${quote(a.input.summary)}\n*Expected impact (agent's words):* ${quote(a.input.expectedImpact)}`,
    ),
    context(
      `Role \`${t.roleArn ?? 'none'}\`   ·   fingerprint \`${a.fingerprint.slice(0, 19)}\`   ·   approval \`${a.id}\``,
    ),
  );
  blocks.push(...stateBlocks(a, ctx));
  return {
    text: clip(`${headerText(a)}: ${a.templateId} in ${a.region}`, SLACK_LIMITS.fallbackText),
    blocks,
  };
}

function headerText(a: ApprovalRecord): string {
  switch (a.status) {
    case 'pending':
      return 'FIS experiment: approval needed';
    case 'approved':
      return 'FIS experiment: approved, starting';
    case 'starting':
      return a.reason ? 'FIS experiment: start not confirmed yet' : 'FIS experiment: approved, starting';
    case 'started':
      return `FIS experiment: ${a.experimentStatus ?? 'started'}`;
    case 'denied':
      return 'FIS experiment: denied';
    case 'expired':
      return 'FIS experiment: approval expired';
    case 'refused':
      return 'FIS experiment: refused by policy';
    case 'invalidated':
      return 'FIS experiment: template changed, not started';
    case 'start_failed':
      return 'FIS experiment: not started';
  }
}

function stateBlocks(a: ApprovalRecord, ctx: CardContext): Block[] {
  const when = (ms?: number) =>
    ms ? `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>` : '';
  switch (a.status) {
    case 'pending': {
      const who = ctx.approvers.map(mention).join(' ') || '_no approvers configured_';
      return [
        context(`Approvers: ${who}   ·   expires ${when(a.expiresAt)}`),
        {
          type: 'actions',
          block_id: `approval:${a.id}`,
          elements: [
            {
              type: 'button',
              action_id: ACTION_APPROVE,
              text: { type: 'plain_text', text: 'Approve and start' },
              style: 'primary',
              value: a.id,
              confirm: {
                title: { type: 'plain_text', text: 'Start this FIS experiment?' },
                text: {
                  type: 'mrkdwn',
                  text: clip(
                    `This injects real faults: ${actionIds(a.template)} on ${targetSummary(a.template)} in ${a.region}.`,
                    SLACK_LIMITS.confirmText,
                  ),
                },
                confirm: { type: 'plain_text', text: 'Start experiment' },
                deny: { type: 'plain_text', text: 'Cancel' },
                style: 'danger',
              },
            },
            {
              type: 'button',
              action_id: ACTION_DENY,
              text: { type: 'plain_text', text: 'Deny' },
              value: a.id,
            },
          ],
        },
      ];
    }
    case 'started': {
      const status = a.experimentStatus ?? 'initiating';
      const live = !['completed', 'stopped', 'failed', 'cancelled'].includes(status);
      const lines = [
        `:white_check_mark: Approved by <@${a.decidedBy}> ${when(a.decidedAt)}   ·   experiment \`${a.experimentId}\` is *${status}*`,
      ];
      if (a.mismatch)
        lines.push(
          `:rotating_light: FIS started something other than what was approved (${escapeMrkdwn(a.mismatch)}); ${a.stoppedBy ? 'the bot stopped it' : '*the bot could not stop it: use Emergency stop or the FIS console*'}`,
        );
      else if (a.stoppedBy) lines.push(`:octagonal_sign: Emergency stop by <@${a.stoppedBy}>`);
      if (a.experimentError?.code)
        lines.push(
          `:x: FIS error \`${escapeMrkdwn(a.experimentError.code)}\`${a.experimentError.location ? ` at \`${escapeMrkdwn(a.experimentError.location)}\`` : ''}`,
        );
      const blocks: Block[] = [context(lines.join('\n'))];
      if (live && !a.stoppedBy) {
        blocks.push({
          type: 'actions',
          block_id: `experiment:${a.id}`,
          elements: [
            {
              type: 'button',
              action_id: ACTION_STOP,
              text: { type: 'plain_text', text: 'Emergency stop' },
              style: 'danger',
              value: a.id,
              confirm: {
                title: { type: 'plain_text', text: 'Stop the experiment now?' },
                text: { type: 'plain_text', text: `FIS stops experiment ${a.experimentId} and its actions.` },
                confirm: { type: 'plain_text', text: 'Stop it' },
                deny: { type: 'plain_text', text: 'Keep running' },
                style: 'danger',
              },
            },
          ],
        });
      }
      return blocks;
    }
    case 'approved':
      return [
        context(
          `:hourglass_flowing_sand: Approved by <@${a.decidedBy}> ${when(a.decidedAt)}; starting the experiment…`,
        ),
      ];
    case 'starting':
      return [
        context(
          a.reason
            ? `:hourglass_flowing_sand: Approved by <@${a.decidedBy}> ${when(a.decidedAt)}. ${escapeMrkdwn(a.reason)}; the bot keeps asking FIS. Check the FIS console for an experiment tagged \`agentcore-slack-bot:approval-id=${a.id}\`.`
            : `:hourglass_flowing_sand: Approved by <@${a.decidedBy}> ${when(a.decidedAt)}; starting the experiment…`,
        ),
      ];
    case 'denied':
      return [context(`:no_entry: Denied by <@${a.decidedBy}> ${when(a.decidedAt)}. Nothing was started.`)];
    case 'expired':
      return [context(`:alarm_clock: Nobody decided before ${when(a.expiresAt)}. Nothing was started.`)];
    case 'refused':
      return [context(`:no_entry: ${escapeMrkdwn(a.reason ?? 'Refused by policy.')} Nothing was started.`)];
    case 'invalidated':
      return [
        context(
          `:warning: Approved by <@${a.decidedBy}>, but the template changed after the card was posted, so nothing was started. Request approval again to review the new version.`,
        ),
      ];
    case 'start_failed':
      return [
        context(
          `:x: Approved by <@${a.decidedBy}>, but not started: ${escapeMrkdwn(a.reason ?? 'unknown error')}. Nothing is running for this approval.`,
        ),
      ];
  }
}

function actionLines(t: FisTemplate): string {
  const lines = Object.entries(t.actions).map(([name, a]) => {
    const params = Object.entries(a.parameters ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const targets = Object.values(a.targets ?? {}).join(', ');
    const after = a.startAfter?.length ? ` after ${a.startAfter.join(', ')}` : '';
    return `• *${escapeMrkdwn(name)}*: \`${a.actionId ?? '?'}\`${params ? ` (${escapeMrkdwn(params)})` : ''}${targets ? ` → ${escapeMrkdwn(targets)}` : ''}${after}`;
  });
  return clip(lines.join('\n') || '_none_', SLACK_LIMITS.sectionText - 20);
}

function targetLines(t: FisTemplate): string {
  const lines = Object.entries(t.targets).map(([name, x]) => {
    const scope: string[] = [];
    if (x.resourceArns?.length)
      scope.push(`${x.resourceArns.length} listed resource${x.resourceArns.length === 1 ? '' : 's'}`);
    if (x.resourceTags && Object.keys(x.resourceTags).length) {
      scope.push(
        `tags ${Object.entries(x.resourceTags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
    }
    for (const f of x.filters ?? []) scope.push(`${f.path} in ${(f.values ?? []).join(', ')}`);
    return `• *${escapeMrkdwn(name)}*: \`${x.resourceType ?? '?'}\`, selection *${escapeMrkdwn(x.selectionMode ?? '?')}*${scope.length ? ` of ${escapeMrkdwn(scope.join('; '))}` : ''}`;
  });
  return clip(lines.join('\n') || '_none_', SLACK_LIMITS.sectionText - 30);
}

function stopConditionText(t: FisTemplate): string {
  const real = t.stopConditions.filter((s) => s.source && s.source !== 'none');
  if (real.length === 0) {
    return ':warning: *Stop conditions: none.* Nothing stops this experiment automatically if the service degrades.';
  }
  return clip(
    `*Stop conditions*\n${real.map((s) => `• ${s.source}: \`${s.value ?? ''}\``).join('\n')}`,
    SLACK_LIMITS.sectionText,
  );
}

/** The longest ISO-8601 duration among the actions' parameters (e.g. PT5M), as shown to approvers. */
export function duration(t: FisTemplate): string | undefined {
  let best: { text: string; seconds: number } | undefined;
  for (const a of Object.values(t.actions)) {
    for (const [k, v] of Object.entries(a.parameters ?? {})) {
      if (!/duration/i.test(k)) continue;
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(v);
      if (!m) continue;
      const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
      if (!best || seconds > best.seconds) best = { text: human(seconds), seconds };
    }
  }
  return best?.text;
}

function human(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function actionIds(t: FisTemplate): string {
  return [...new Set(Object.values(t.actions).map((a) => a.actionId ?? '?'))].join(', ');
}

function targetSummary(t: FisTemplate): string {
  return Object.values(t.targets)
    .map((x) => `${x.selectionMode ?? '?'} ${x.resourceType ?? '?'}`)
    .join(', ');
}

function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

function quote(s: string): string {
  return `_“${escapeMrkdwn(clip(s.replace(/\s+/g, ' ').trim() || '(none given)', 600))}”_`;
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } };
}

function context(text: string): Block {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.contextElementText) }],
  };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
