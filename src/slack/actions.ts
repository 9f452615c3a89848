/**
 * Interactive buttons: Stop and Retry on runs, and the approval card's Approve / Deny / Emergency
 * stop. Each click is acked at once; the work runs after the ack. Who clicked comes from Slack's
 * signed payload (`body.user.id`), never from the button.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';
import type { SessionStore, ThreadKey } from '../core/ports.ts';
import type { Runner } from '../core/runner.ts';
import { toSlack } from '../core/slack-escape.ts';
import { ACTION_APPROVE, ACTION_DENY, ACTION_STOP } from './approval-card.ts';
import { ACTION_RETRY_RUN, ACTION_STOP_RUN } from './blocks.ts';

export interface ActionDeps {
  runner: Runner;
  gate?: ApprovalGate;
  log: Logger;
  /** To tell a stale Stop button (its run ended in a crash or an edit outage) from a live one. */
  store?: SessionStore;
  /** After a click on an approval card (a decision may have changed what Home tabs show). */
  afterApprovalClick?: (approvalId: string) => void;
}

/** A run's final edit may still be landing this long after it ended: its reply is left alone meanwhile. */
const SETTLE_MS = 5_000;

const APPROVAL_ACTIONS: Record<string, 'approve' | 'deny' | 'stop'> = {
  [ACTION_APPROVE]: 'approve',
  [ACTION_DENY]: 'deny',
  [ACTION_STOP]: 'stop',
};

export function register(app: App, deps: ActionDeps): void {
  app.action<BlockAction<ButtonAction>>(
    {
      type: 'block_actions',
      action_id: new RegExp(
        `^(${[...Object.keys(APPROVAL_ACTIONS), ACTION_STOP_RUN, ACTION_RETRY_RUN].join('|')})$`,
      ),
    },
    async ({ ack, body, action, respond }) => {
      await ack();
      const channel = body.container?.channel_id ?? body.channel?.id;
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      const tell = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: toSlack(text) }).catch(
          (err) => deps.log.warn({ err }, 'could not answer a click'),
        );
      };
      if (!channel || !messageTs || !action.value) {
        await tell('This button is not attached to anything I know. Nothing was changed.');
        return;
      }
      deps.log.info({ action: action.action_id, user: body.user.id, value: action.value }, 'button click');
      const work = async () => {
        if (action.action_id === ACTION_STOP_RUN || action.action_id === ACTION_RETRY_RUN) {
          const key = threadFromValue(action.value!, body.team?.id ?? body.user.team_id ?? '', channel);
          if (!key) return tell('This button does not belong to this conversation. Nothing was changed.');
          if (action.action_id === ACTION_RETRY_RUN) {
            return deps.runner.startRetry({ ...key, userId: body.user.id, messageTs, tell });
          }
          const stop = await deps.runner.requestStop(key, body.user.id);
          if (stop.result === 'refused') await tell(stop.reason ?? 'You may not stop this run.');
          else if (stop.result === 'not_running') {
            const retired = await retireStaleStop(app, deps, key, messageTs, body.message);
            await tell(
              retired
                ? 'Nothing is running in this thread any more, so I removed that Stop button.'
                : 'Nothing is running in this thread.',
            );
          }
          return;
        }
        if (!deps.gate) return tell('FIS approvals are not enabled. Nothing was changed.');
        await deps.gate.click(
          {
            approvalId: action.value!,
            action: APPROVAL_ACTIONS[action.action_id]!,
            user: body.user.id,
            channel,
            messageTs,
          },
          tell,
        );
        deps.afterApprovalClick?.(action.value!);
      };
      void work().catch((err) => {
        deps.log.error({ err }, 'click handling failed');
        return tell('Something went wrong handling that click. Nothing was started; try again.');
      });
    },
  );
}

/**
 * A Stop button left on a reply whose run ended without its final edit (the bot crashed, or Slack
 * refused edits then) is taken off that reply, keeping everything else the person saw. The reply of a
 * run that ended moments ago is left alone: its own final edit may still be on the way.
 */
async function retireStaleStop(
  app: App,
  deps: ActionDeps,
  key: ThreadKey,
  ts: string,
  message: { text?: string; blocks?: unknown[] } | undefined,
): Promise<boolean> {
  const blocks = message?.blocks as
    | Array<{ type: string; elements?: Array<{ action_id?: string }> }>
    | undefined;
  if (!blocks?.some((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === ACTION_STOP_RUN)))
    return false;
  const session = await deps.store?.get(key).catch(() => undefined);
  if (session?.status !== 'idle') return false;
  if (session.replyTs === ts && Date.now() - session.updatedAt < SETTLE_MS) return false;
  const kept = blocks
    .map((b) =>
      b.type === 'actions'
        ? { ...b, elements: b.elements?.filter((e) => e.action_id !== ACTION_STOP_RUN) }
        : b,
    )
    .filter((b) => b.type !== 'actions' || (b.elements?.length ?? 0) > 0);
  kept.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: ':black_square_for_stop: This run is no longer running.' }],
  } as never);
  try {
    await app.client.chat.update({
      channel: key.channel,
      ts,
      text: message?.text ?? ' ',
      blocks: kept as never,
    });
    return true;
  } catch (err) {
    deps.log.warn({ err, channel: key.channel, ts }, 'could not remove a stale Stop button');
    return false;
  }
}

/**
 * Buttons carry `<channel>|<thread_ts>` (Retry adds `|<interruptedAt>`); it must name the
 * conversation the click came from.
 */
function threadFromValue(value: string, teamId: string, channel: string) {
  const [c, threadTs, at] = value.split('|');
  if (c !== channel || !threadTs || !/^\d+\.\d+$/.test(threadTs)) return undefined;
  const interruptedAt = at && /^\d{1,16}$/.test(at) ? Number(at) : undefined;
  return { teamId, channel, threadTs, ...(interruptedAt !== undefined ? { interruptedAt } : {}) };
}
