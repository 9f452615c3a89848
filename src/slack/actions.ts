/**
 * Interactive buttons on approval cards. Each click is acked at once; the decision runs after the
 * ack. Who clicked comes from Slack's signed payload (`body.user.id`), never from the button.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';
import { ACTION_APPROVE, ACTION_DENY, ACTION_STOP } from './approval-card.ts';

export interface ActionDeps {
  gate: ApprovalGate;
  log: Logger;
}

const ACTIONS: Record<string, 'approve' | 'deny' | 'stop'> = {
  [ACTION_APPROVE]: 'approve',
  [ACTION_DENY]: 'deny',
  [ACTION_STOP]: 'stop',
};

export function register(app: App, deps: ActionDeps): void {
  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: new RegExp(`^(${Object.keys(ACTIONS).join('|')})$`) },
    async ({ ack, body, action, respond }) => {
      await ack();
      const channel = body.container?.channel_id ?? body.channel?.id;
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      const tell = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err) =>
          deps.log.warn({ err }, 'could not answer a click'),
        );
      };
      if (!channel || !messageTs || !action.value) {
        await tell('This button is not attached to an approval. Nothing was changed.');
        return;
      }
      deps.log.info(
        { action: action.action_id, user: body.user.id, approvalId: action.value },
        'approval card click',
      );
      void deps.gate
        .click(
          {
            approvalId: action.value,
            action: ACTIONS[action.action_id]!,
            user: body.user.id,
            channel,
            messageTs,
          },
          tell,
        )
        .catch((err) => {
          deps.log.error({ err }, 'approval click failed');
          return tell('Something went wrong handling that click. Nothing was started; try again.');
        });
    },
  );
}
