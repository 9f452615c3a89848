/**
 * Approval requests reach the approvers where they will see them, not only as a mention in a busy
 * channel: each approver (user groups expanded) gets a direct message from the app with the card's
 * key facts and a link to the card, and their Home tab is redrawn. The requester is left out unless
 * self-approval is allowed. Deciding still happens on the card, where the gate checks who clicks.
 */
import type { App } from '@slack/bolt';
import type { ApprovalRecord } from '../core/approval-types.ts';
import type { HomeService } from '../core/home.ts';
import type { Logger } from '../core/logger.ts';
import { mention, slackDate, toSlack, toSlackBlocks, trusted } from '../core/slack-escape.ts';
import { escapeMrkdwn } from './blocks.ts';
import { messageLink } from './home-view.ts';

export interface NotifyDeps {
  app: App;
  /** The approver ids as configured, expanded to people (groups → members). */
  approvers: () => Promise<string[]>;
  allowSelfApproval: boolean;
  workspaceUrl: () => Promise<string>;
  home?: HomeService;
  log: Logger;
}

export function approvalNotifier(d: NotifyDeps): (a: ApprovalRecord) => Promise<void> {
  return async (a) => {
    const people = (await d.approvers()).filter((u) => d.allowSelfApproval || u !== a.requester);
    const url = await d.workspaceUrl().catch(() => undefined);
    const card =
      url && a.cardTs ? messageLink(url, a.thread.channel, a.cardTs, a.thread.threadTs) : undefined;
    const actions = Object.keys(a.template.actions ?? {}).length;
    const targets = Object.keys(a.template.targets ?? {}).length;
    const text = `${mention(a.requester)} asks you to approve FIS experiment template ${escapeMrkdwn(a.templateId)} in ${escapeMrkdwn(a.region)}.`;
    const facts = [
      `*Template:* ${escapeMrkdwn(a.templateId)}   *Region:* ${escapeMrkdwn(a.region)}`,
      `*Actions:* ${actions}   *Targets:* ${targets}   *Expires:* ${slackDate(a.expiresAt)}`,
      card
        ? trusted(`<${card}|Review and decide on the approval card>`)
        : 'Review and decide on the approval card in the thread.',
    ].join('\n');
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: facts } },
    ];
    for (const user of people) {
      // A user id as the channel: the app's DM with that person (its Messages tab).
      await d.app.client.chat
        .postMessage({ channel: user, text: toSlack(text), blocks: toSlackBlocks(blocks) as never })
        .catch((err) => d.log.warn({ err, user, approvalId: a.id }, 'could not DM an approver'));
    }
    await d.home?.refreshAll(people);
  };
}
