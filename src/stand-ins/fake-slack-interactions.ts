/**
 * Slash commands and button clicks as Slack sends them (signed form posts, or Socket Mode envelopes),
 * and the response_url endpoints Slack hands out with them: five uses within 30 minutes.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Delivered, DeliveryHost, SlackDelivery } from './fake-slack-delivery.ts';
import type { StoredMessage } from './fake-slack-types.ts';

type Element = {
  type: string;
  action_id?: string;
  value?: string;
  text?: unknown;
  positive_button?: { value: string };
  negative_button?: { value: string };
};
type Block = { type: string; block_id?: string; elements?: Element[] };

const blocksOf = (msg: StoredMessage | undefined) => (msg?.blocks ?? []) as Block[];

/** The message's feedback buttons (in a context_actions block), optionally the ones with this action id. */
function feedbackBlock(
  msg: StoredMessage | undefined,
  actionId?: string,
): { block: Block; element: Element } | undefined {
  for (const block of blocksOf(msg)) {
    if (block.type !== 'context_actions') continue;
    const element = block.elements?.find(
      (e) => e.type === 'feedback_buttons' && (actionId === undefined || e.action_id === actionId),
    );
    if (element) return { block, element };
  }
  return undefined;
}

export class SlackInteractions {
  private readonly responseUrls = new Map<
    string,
    // threadTs: a click on a message in a thread; Slack shows the ephemeral response in that thread.
    { uses: number; expires: number; channel: string; user: string; threadTs?: string }
  >();

  constructor(
    private readonly host: DeliveryHost,
    private readonly d: SlackDelivery,
  ) {}

  // ---- slash commands ------------------------------------------------------------------------

  /**
   * The form Slack posts for a slash command, with its response_url registered (the benchmark's load
   * generator sends it from its own process).
   */
  commandForm(input: { command: string; text: string; user: string; channel: string; userName?: string }) {
    const h = this.host;
    const responseId = randomUUID();
    this.responseUrls.set(responseId, { uses: 0, expires: Date.now() + 30 * 60_000, ...input });
    const triggerId = `${Date.now()}.${Math.floor(Math.random() * 1e9)}`;
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: h.teamId,
      team_domain: 'fake',
      channel_id: input.channel,
      channel_name: h.channels.get(input.channel)?.name ?? 'unknown',
      user_id: input.user,
      user_name: input.userName ?? input.user.toLowerCase(),
      command: input.command,
      text: input.text,
      api_app_id: 'A0FAKEAPP',
      is_enterprise_install: 'false',
      response_url: `${h.url}/response/${responseId}`,
      trigger_id: triggerId,
    }).toString();
    return { form, triggerId };
  }

  async slashCommand(input: {
    command: string;
    text: string;
    user: string;
    channel: string;
    userName?: string;
  }): Promise<Delivered & { ms: number; triggerId: string }> {
    const h = this.host;
    const { form, triggerId } = this.commandForm(input);
    const started = Date.now();
    const r = this.d.socketConnected
      ? await this.d.envelope('slash_commands', Object.fromEntries(new URLSearchParams(form)))
      : await this.d.deliver(form, 'application/x-www-form-urlencoded');
    const ms = Date.now() - started;
    if (r.status === 200 && r.body) {
      try {
        const ack = JSON.parse(r.body) as { text?: string; blocks?: unknown[]; response_type?: string };
        if (ack.response_type !== 'in_channel' && (ack.text || ack.blocks)) {
          h.ephemerals.push({
            channel: input.channel,
            user: input.user,
            text: ack.text ?? '',
            blocks: ack.blocks,
            via: 'ack',
          });
        }
      } catch {
        h.ephemerals.push({ channel: input.channel, user: input.user, text: r.body, via: 'ack' });
      }
    }
    return { ...r, ms, triggerId };
  }

  // ---- interactivity -------------------------------------------------------------------------

  /**
   * A person clicks a button on a message: Slack sends a signed block_actions payload with the
   * clicker, the message and the action (the real shape, form-encoded as `payload=`).
   */
  async clickButton(input: {
    user: string;
    channel: string;
    messageTs: string;
    actionId: string;
    value?: string;
    /** Overrides the block_id; by default the block holding the action. */
    blockId?: string;
    forge?: boolean;
  }): Promise<Delivered> {
    const msg = this.host.message(input.channel, input.messageTs);
    const block = blocksOf(msg).find(
      (b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === input.actionId),
    );
    const element = block?.elements?.find((e) => e.action_id === input.actionId);
    // Feedback buttons live in a context_actions block: Slack sends them as their own action type.
    const feedback = block ? undefined : feedbackBlock(msg, input.actionId);
    if (feedback && input.value) {
      return this.clickFeedback({
        user: input.user,
        channel: input.channel,
        messageTs: input.messageTs,
        positive: feedback.element.positive_button?.value === input.value,
      });
    }
    return this.blockActions({
      user: input.user,
      onMessage: { channel: input.channel, ts: input.messageTs, msg },
      action: {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? block?.block_id ?? 'unknown',
        value: input.value ?? element?.value,
        text: element?.text ?? { type: 'plain_text', text: input.actionId },
      },
      forge: input.forge,
    });
  }

  /**
   * A person clicks one of an AI answer's feedback buttons (a feedback_buttons element in a
   * context_actions block). Slack sends the chosen button's value; clicks toggle in the client and
   * Slack sends nothing when one is deselected.
   */
  async clickFeedback(input: {
    user: string;
    channel: string;
    messageTs: string;
    positive: boolean;
  }): Promise<Delivered> {
    const msg = this.host.message(input.channel, input.messageTs);
    const found = feedbackBlock(msg);
    if (!msg || !found) throw new Error(`no feedback buttons on ${input.channel}/${input.messageTs}`);
    const { block, element } = found;
    const chosen = input.positive ? element.positive_button : element.negative_button;
    return this.blockActions({
      user: input.user,
      onMessage: { channel: input.channel, ts: input.messageTs, msg },
      action: {
        type: 'feedback_buttons',
        action_id: element.action_id ?? 'unknown',
        block_id: block.block_id ?? 'unknown',
        value: chosen?.value,
        text: { type: 'plain_text', text: input.positive ? 'positive' : 'negative' },
      },
    });
  }

  /** A person clicks a button on their Home tab (a block_actions payload from a `home` view). */
  async clickHomeButton(input: {
    user: string;
    actionId: string;
    value: string;
    viewId: string;
  }): Promise<Delivered> {
    return this.blockActions({
      user: input.user,
      onView: input.viewId,
      action: {
        type: 'button',
        action_id: input.actionId,
        block_id: 'home',
        value: input.value,
        text: { type: 'plain_text', text: input.actionId },
      },
    });
  }

  /**
   * The one block_actions payload Slack sends for a click, whatever was clicked: the clicker, the
   * surface (a message, with a response_url, or a Home tab view) and the action, signed and
   * delivered like any interaction.
   */
  private blockActions(input: {
    user: string;
    onMessage?: { channel: string; ts: string; msg: StoredMessage | undefined };
    onView?: string;
    action: Record<string, unknown>;
    forge?: boolean;
  }): Promise<Delivered> {
    const h = this.host;
    const on = input.onMessage;
    let responseUrl: string | undefined;
    if (on) {
      const responseId = randomUUID();
      this.responseUrls.set(responseId, {
        uses: 0,
        expires: Date.now() + 30 * 60_000,
        channel: on.channel,
        user: input.user,
        threadTs: on.msg?.threadTs,
      });
      responseUrl = `${h.url}/response/${responseId}`;
    }
    const payload = {
      type: 'block_actions',
      user: {
        id: input.user,
        username: h.users.get(input.user)?.name ?? input.user.toLowerCase(),
        team_id: h.teamId,
      },
      api_app_id: 'A0FAKEAPP',
      token: 'deprecated-verification-token',
      container: on
        ? { type: 'message', message_ts: on.ts, channel_id: on.channel, is_ephemeral: false }
        : { type: 'view', view_id: input.onView },
      trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e9)}`,
      team: { id: h.teamId, domain: 'fake' },
      ...(on
        ? {
            channel: { id: on.channel, name: h.channels.get(on.channel)?.name ?? 'unknown' },
            message: on.msg
              ? {
                  type: 'message',
                  ts: on.msg.ts,
                  text: on.msg.text,
                  blocks: on.msg.blocks,
                  thread_ts: on.msg.threadTs,
                  bot_id: on.msg.botId,
                }
              : undefined,
            response_url: responseUrl,
          }
        : {
            view: { id: input.onView, type: 'home', team_id: h.teamId, app_id: 'A0FAKEAPP', bot_id: h.botId },
          }),
      actions: [{ ...input.action, action_ts: `${Date.now() / 1000}` }],
    };
    if (this.d.socketConnected) return this.d.envelope('interactive', payload);
    return this.d.deliver(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
      {},
      { forge: input.forge },
    );
  }

  // ---- response_url --------------------------------------------------------------------------

  handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const h = this.host;
    const entry = this.responseUrls.get(id);
    if (!entry || entry.uses >= 5 || Date.now() > entry.expires) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('expired_url');
      return;
    }
    entry.uses++;
    const body = JSON.parse(raw || '{}') as { text?: string; blocks?: unknown[]; response_type?: string };
    if (body.response_type === 'in_channel') {
      h.store({
        channel: entry.channel,
        ts: h.nextTs(),
        botId: h.botId,
        text: body.text ?? '',
        blocks: body.blocks,
      });
    } else {
      h.ephemerals.push({
        channel: entry.channel,
        user: entry.user,
        text: body.text ?? '',
        blocks: body.blocks,
        via: 'response_url',
        ...(entry.threadTs ? { threadTs: entry.threadTs } : {}),
      });
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }
}
