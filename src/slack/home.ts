/**
 * The Home tab in Slack: drawn on `app_home_opened` and whenever the HomeService redraws it
 * (views.publish), and its Emergency stop, which takes the approval card's own stop path (the gate
 * decides who may stop; the card and its thread say what happened).
 */
import type { App } from '@slack/bolt';
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { ApprovalStore } from '../core/approval-types.ts';
import type { HomeModel, HomePublisher, HomeService } from '../core/home.ts';
import type { Logger } from '../core/logger.ts';
import { toSlack, toSlackBlocks } from '../core/slack-escape.ts';
import { ACTION_HOME_STOP, homeView } from './home-view.ts';

/** The workspace's URL (auth.test), for links to threads and cards; asked once. */
export function workspaceUrl(app: App): () => Promise<string> {
  let url: Promise<string> | undefined;
  return () => {
    url ??= app.client.auth.test().then(
      (r) => r.url ?? 'https://slack.com/',
      (err) => {
        url = undefined;
        throw err;
      },
    );
    return url;
  };
}

export class SlackHomePublisher implements HomePublisher {
  constructor(
    private readonly app: App,
    private readonly url: () => Promise<string>,
  ) {}

  async publish(user: string, model: HomeModel): Promise<void> {
    const view = homeView(model, await this.url());
    await this.app.client.views.publish({
      user_id: user,
      view: { type: 'home', blocks: toSlackBlocks(view.blocks) as never },
    });
  }
}

export function register(
  app: App,
  deps: { home: HomeService; gate?: ApprovalGate; approvals?: ApprovalStore; log: Logger },
): void {
  app.event('app_home_opened', async ({ event }) => {
    const e = event as unknown as { user: string; tab?: string };
    if (e.tab && e.tab !== 'home') return;
    void deps.home.opened(e.user);
  });

  app.action({ action_id: ACTION_HOME_STOP }, async ({ ack, body, action }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    const id = (action as { value?: string }).value ?? '';
    const tell = async (text: string) => {
      await app.client.chat
        .postMessage({ channel: user, text: toSlack(text) })
        .catch((err) => deps.log.warn({ err }, 'could not answer a Home tab click'));
    };
    void (async () => {
      const a = deps.gate ? await deps.approvals?.getApproval(id) : undefined;
      if (!deps.gate || !a?.cardTs) {
        await tell('That experiment is not one I know any more. Nothing was changed.');
        return;
      }
      // The card's own stop path: the gate checks that this person may stop it.
      await deps.gate.click(
        { approvalId: a.id, action: 'stop', user, channel: a.thread.channel, messageTs: a.cardTs },
        tell,
      );
      await deps.home.refresh(user);
    })().catch((err) => deps.log.error({ err }, 'Home tab emergency stop failed'));
  });
}
