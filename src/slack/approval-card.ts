/**
 * The approval card for an FIS experiment: what will be injected, into what (blast radius), for how
 * long, what stops it, who asked, who may decide, until when. Pure: record in, Block Kit out.
 * Everything on it comes from the template the bot read from FIS itself; the agent's own words are
 * shown only as quoted, labelled text.
 */
import type { ApprovalRecord } from '../core/approval-types.ts';
import type { FisTemplate } from '../core/fis.ts';
import type { SlackMessage, ThreadFile } from '../core/ports.ts';
import { mention, slackDate } from '../core/slack-escape.ts';
import { alarmText, radiusLines } from './approval-card-interlocks.ts';
import { escapeMrkdwn } from './blocks.ts';
import { SLACK_LIMITS } from './limits.ts';
import { templateFile, templateView, totalDuration } from './template-view.ts';

export const ACTION_APPROVE = 'fis_approve';
export const ACTION_DENY = 'fis_deny';
export const ACTION_STOP = 'fis_stop';

type Block = Record<string, unknown>;

export interface CardContext {
  /** Approver user ids (U…/W…) and user group ids (S…), for the mention line. */
  approvers: string[];
  /** The template id the slash command named, when different from the one requested. */
  commandTemplateId?: string;
  /** The bot's own account, where its FIS roles are (experiments run only there). */
  account?: string;
}

export function approvalCard(a: ApprovalRecord, ctx: CardContext): SlackMessage {
  const t = a.template;
  const view = templateView(t);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: headerText(a), emoji: true } },
    section(
      `*Template:* \`${a.templateId}\`${t.description ? ` · ${escapeMrkdwn(t.description)}` : ''}\n*Region:* ${a.region}   ${accountText(t, ctx)}*Requested by:* ${mention(a.requester)}   *Duration:* ${totalDuration(view.plan)} (from the action graph)`,
    ),
    ...listSections(`*Actions (${Object.keys(t.actions).length})*`, view.actionLines),
    ...listSections(`*Targets (${Object.keys(t.targets).length}, the blast radius)*`, view.targetLines),
    ...(a.interlocks
      ? listSections(
          `*Blast radius as resolved ${slackDate(a.interlocks.checkedAt)}*`,
          radiusLines(a.interlocks),
        )
      : []),
    section(a.interlocks ? alarmText(a.interlocks) : stopConditionText(t)),
    section(optionsText(t)),
  ];
  const warnings: string[] = [];
  if (view.missing.length > 0) {
    warnings.push(
      `*Not shown in full on this card: ${view.missing.join('; ')}. The complete template (every action with its parameters and timing, every target with its resources) is in \`${templateFile(a).filename}\` in this thread. Read it before approving.*`,
    );
  }
  const multiAccount = t.experimentOptions?.accountTargeting === 'multi-account';
  if (multiAccount) {
    const problem = targetAccountsProblem(a);
    if (problem) warnings.push(problem);
    else
      blocks.push(
        ...listSections(`*Target accounts (${a.targetAccounts!.length}, it acts in each)*`, accountLines(a)),
      );
  }
  if (view.plan.cycle.length > 0) {
    warnings.push(
      `*The actions’ start order has a cycle (${escapeMrkdwn(view.plan.cycle.join(', '))}); the duration shown is not reliable.*`,
    );
  }
  if (view.plan.unknownDependencies.length > 0) {
    warnings.push(
      `*Actions wait for unknown actions (${escapeMrkdwn(view.plan.unknownDependencies.join(', '))}).*`,
    );
  }
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
      `Role \`${t.roleArn ?? 'none'}\`   ·   approval \`${a.id}\`\nTemplate version (fingerprint) \`${a.fingerprint}\``,
    ),
  );
  blocks.push(...stateBlocks(a, ctx));
  return {
    text: clip(`${headerText(a)}: ${a.templateId} in ${a.region}`, SLACK_LIMITS.fallbackText),
    blocks,
  };
}

/**
 * The account the experiment runs in: the account of the template's role (FIS can only be passed a role of the
 * template's own account), else the bot's own.
 */
function accountText(t: FisTemplate, ctx: CardContext): string {
  const id = /^arn:[^:]+:iam[:]{2}(\d{12}):/.exec(t.roleArn ?? '')?.[1] ?? ctx.account;
  if (!id) return '';
  return `*Account:* ${id}${id === ctx.account ? " (this bot's own)" : ''}   `;
}

/** The complete template as a file, when the card could not show all of it; undefined when it did. */
export function approvalCardFile(a: ApprovalRecord): ThreadFile | undefined {
  return templateView(a.template).missing.length > 0 ? templateFile(a) : undefined;
}

/** A titled list split over as many sections as it needs (each under Slack's section limit). */
function listSections(title: string, lines: string[]): Block[] {
  const out: Block[] = [];
  let current = title;
  for (const line of lines.length ? lines : ['_none_']) {
    if (current.length + line.length + 1 > SLACK_LIMITS.sectionText - 50) {
      out.push(section(current));
      current = line;
    } else current += `\n${line}`;
  }
  out.push(section(current));
  return out;
}

/** Why the card cannot list a multi-account template's accounts, in bold; undefined when it lists them. */
function targetAccountsProblem(a: ApprovalRecord): string | undefined {
  if (a.targetAccountsError)
    return `*Multi-account experiment: the bot could not list its target accounts (${escapeMrkdwn(a.targetAccountsError)}), so this card does not show every account it acts in. Check them in the FIS console before approving, or deny.*`;
  if (!a.targetAccounts)
    return '*Multi-account experiment: it also acts in the target accounts configured on this template, which this card does not list. Check them in the FIS console before approving.*';
  if (a.targetAccounts.length === 0)
    return '*Multi-account experiment, but FIS lists no target accounts for this template: check its target account configurations in the FIS console before approving.*';
  return undefined;
}

function accountsChanged(a: ApprovalRecord): boolean {
  return a.reason?.startsWith('target accounts changed') ?? false;
}

function accountLines(a: ApprovalRecord): string[] {
  return (a.targetAccounts ?? []).map(
    (c) =>
      `• account \`${escapeMrkdwn(c.accountId)}\`${c.roleArn ? ` as role \`${escapeMrkdwn(c.roleArn)}\`` : ' (no role)'}${c.description ? ` · ${escapeMrkdwn(c.description)}` : ''}`,
  );
}

function optionsText(t: FisTemplate): string {
  const o = t.experimentOptions ?? {};
  const accounts = o.accountTargeting ?? 'single-account';
  const empty = o.emptyTargetResolutionMode ?? 'fail';
  return `*Account targeting:* ${escapeMrkdwn(accounts)}   *If a target resolves to nothing:* ${escapeMrkdwn(empty)}`;
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
      return accountsChanged(a)
        ? 'FIS experiment: target accounts changed, not started'
        : 'FIS experiment: template changed, not started';
    case 'start_failed':
      return 'FIS experiment: not started';
  }
}

function stateBlocks(a: ApprovalRecord, ctx: CardContext): Block[] {
  const when = (ms?: number) => (ms ? slackDate(ms) : '');
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
                    `This injects real faults in ${a.region}: ${Object.keys(a.template.actions).length} action(s) (${actionIds(a.template)}) on ${targetSummary(a.template)}, ${totalDuration(templateView(a.template).plan)}.`,
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
        `:white_check_mark: Approved by ${mention(a.decidedBy ?? '?')} ${when(a.decidedAt)}   ·   experiment \`${a.experimentId}\` is *${status}*`,
      ];
      if (a.lateStart)
        lines.push(
          `:octagonal_sign: FIS created this experiment after the bot had reported it not started (${escapeMrkdwn(a.lateStart.concludedReason)}); ${a.stoppedBy ? 'the bot stopped it at once. Request a new approval to run it.' : '*the bot could not stop it: use Emergency stop or the FIS console*'}`,
        );
      else if (a.mismatch)
        lines.push(
          `:octagonal_sign: FIS started something other than what was approved (${escapeMrkdwn(a.mismatch)}); ${a.stoppedBy ? 'the bot stopped it' : '*the bot could not stop it: use Emergency stop or the FIS console*'}`,
        );
      else if (a.stoppedBy) lines.push(`:octagonal_sign: Emergency stop by ${mention(a.stoppedBy)}`);
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
          `:hourglass_flowing_sand: Approved by ${mention(a.decidedBy ?? '?')} ${when(a.decidedAt)}; starting the experiment…`,
        ),
      ];
    case 'starting':
      return [
        context(
          a.reason
            ? `:hourglass_flowing_sand: Approved by ${mention(a.decidedBy ?? '?')} ${when(a.decidedAt)}. ${escapeMrkdwn(a.reason)}; the bot keeps asking FIS. Check the FIS console for an experiment tagged \`agentcore-slack-bot:approval-id=${a.id}\`.`
            : `:hourglass_flowing_sand: Approved by ${mention(a.decidedBy ?? '?')} ${when(a.decidedAt)}; starting the experiment…`,
        ),
      ];
    case 'denied':
      return [
        context(
          `:no_entry: Denied by ${mention(a.decidedBy ?? '?')} ${when(a.decidedAt)}. Nothing was started.`,
        ),
      ];
    case 'expired':
      return [context(`:alarm_clock: Nobody decided before ${when(a.expiresAt)}. Nothing was started.`)];
    case 'refused':
      return [context(`:no_entry: ${escapeMrkdwn(a.reason ?? 'Refused by policy.')} Nothing was started.`)];
    case 'invalidated':
      return [
        context(
          a.reason?.startsWith('checked again at start')
            ? `:no_entry: Approved by ${mention(a.decidedBy ?? '?')}, but not started: ${escapeMrkdwn(a.reason)}. Nothing was started; request approval again for a fresh card.`
            : `:warning: Approved by ${mention(a.decidedBy ?? '?')}, but ${accountsChanged(a) ? escapeMrkdwn(a.reason!) : 'the template changed after the card was posted'}, so nothing was started. Request approval again to review the new version.`,
        ),
      ];
    case 'start_failed':
      return [
        context(
          `:x: Approved by ${mention(a.decidedBy ?? '?')}, but not started: ${escapeMrkdwn(a.reason ?? 'unknown error')}. Nothing is running for this approval.`,
        ),
      ];
  }
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

function actionIds(t: FisTemplate): string {
  return [...new Set(Object.values(t.actions).map((a) => a.actionId ?? '?'))].join(', ');
}

function targetSummary(t: FisTemplate): string {
  return Object.values(t.targets)
    .map((x) => `${x.selectionMode ?? '?'} ${x.resourceType ?? '?'}`)
    .join(', ');
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
