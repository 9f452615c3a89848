/**
 * The sending side of the fake Slack: how Slack delivers to the bot. Signed HTTP requests to the
 * bot's request URL, or envelopes over a Socket Mode connection; the Events API deliveries (people's
 * messages, the bot's own messages echoed back). Commands and clicks: fake-slack-interactions.ts.
 *
 * Failure behaviour modelled on Slack's: an event delivery not answered with a 2xx within 3 s is
 * redelivered with X-Slack-Retry-Num / X-Slack-Retry-Reason (Socket Mode: an envelope not acked is
 * sent again with retry_attempt); Socket Mode connections get `disconnect` messages (`warning`,
 * `refresh_requested`) and are then closed, so the client must open a new one.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { WebSocket, type WebSocketServer } from 'ws';
import type { AppTarget, Ephemeral, FakeUser, StoredMessage } from './fake-slack-types.ts';
import type { Workspace } from './fake-slack-workspace.ts';

export interface DeliveryHost extends Workspace {
  readonly url: string;
  readonly users: Map<string, FakeUser>;
  readonly ephemerals: Ephemeral[];
}

export type Delivered = { status: number; body: string };

const ACK_DEADLINE_MS = 3_000;
/** Slack's redelivery schedule: at once, after about a minute, after about five minutes. */
const RETRY_DELAYS_MS = [0, 60_000, 300_000];

export class SlackDelivery {
  /** Where deliveries go: one app, or several replicas behind a load balancer (round robin). */
  private apps: AppTarget[] = [];
  private nextApp = 0;
  /** When set, every delivery goes to this replica (index into the connected apps). */
  pinned: number | undefined;
  private socket: WebSocket | undefined;
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The next N event deliveries over HTTP get their answer after Slack's 3 s deadline (lost ack). */
  private lateAnswers = 0;
  /** Socket Mode: the next N envelopes lose their ack (the connection dropped before it arrived). */
  private lostSocketAcks = 0;
  /** Every event delivery attempt (event id, retry number, HTTP status or 0 when not answered in time). */
  readonly eventDeliveries: Array<{
    eventId: string;
    retryNum: number;
    status: number;
    event: Record<string, unknown>;
  }> = [];
  /** Socket Mode connections opened so far. */
  connections = 0;

  constructor(private readonly host: DeliveryHost) {}

  connectApp(app: AppTarget): void {
    this.apps = [app];
  }

  connectApps(apps: AppTarget[]): void {
    this.apps = [...apps];
  }

  get socketConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  attach(wss: WebSocketServer): void {
    wss.on('connection', (ws) => this.onSocket(ws));
  }

  /** The next `n` HTTP event deliveries are answered too late (as if the 200 took over 3 s). */
  answerLate(n = 1): void {
    this.lateAnswers += n;
  }

  /** The next `n` Socket Mode envelopes lose their ack. */
  loseSocketAcks(n = 1): void {
    this.lostSocketAcks += n;
  }

  /**
   * Slack asks the Socket Mode client to reconnect: a `disconnect` message (`warning` comes ahead of
   * a planned close, `refresh_requested` when the connection is being refreshed), then the close.
   */
  async disconnectSocket(reason: 'warning' | 'refresh_requested', closeAfterMs = 50): Promise<void> {
    const ws = this.socket;
    if (!ws) throw new Error('no Socket Mode connection');
    ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    await new Promise((r) => setTimeout(r, closeAfterMs));
    ws.close(1000);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onSocket(ws: WebSocket): void {
    this.socket = ws;
    this.connections++;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (!msg.envelope_id) return;
      if (this.lostSocketAcks > 0) {
        this.lostSocketAcks--;
        return;
      }
      this.pendingAcks.get(msg.envelope_id)?.(msg.payload);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A0FAKEAPP' },
      }),
    );
  }

  /** Sends an envelope over the Socket Mode connection and resolves with the client's ack payload. */
  async envelope(
    type: 'slash_commands' | 'events_api' | 'interactive',
    payload: unknown,
    retryNum?: number,
  ): Promise<Delivered> {
    const id = randomUUID();
    const acked = new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no Socket Mode ack within 3 s')), ACK_DEADLINE_MS);
      this.pendingAcks.set(id, (p) => {
        clearTimeout(t);
        resolve(p);
      });
    });
    this.socket!.send(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(retryNum ? { retry_attempt: retryNum, retry_reason: 'timeout' } : {}),
      }),
    );
    const p = await acked.finally(() => this.pendingAcks.delete(id));
    return { status: 200, body: p === undefined || p === null ? '' : JSON.stringify(p) };
  }

  // ---- events --------------------------------------------------------------------------------

  /**
   * A person posts a message. It is stored, then delivered as a `message` event (if the bot is in the
   * channel, as with message.channels) and as an `app_mention` when it mentions the bot.
   */
  async userMessage(input: {
    user: string;
    channel: string;
    text: string;
    threadTs?: string;
    /** Deliver each event this many extra times with X-Slack-Retry-Num set. */
    retries?: number;
  }): Promise<{ ts: string; eventIds: string[]; statuses: number[] }> {
    const h = this.host;
    const ts = h.nextTs();
    h.store({ channel: input.channel, ts, threadTs: input.threadTs, user: input.user, text: input.text });
    const ch = h.channels.get(input.channel);
    const event: Record<string, unknown> = {
      type: 'message',
      channel: input.channel,
      user: input.user,
      text: input.text,
      ts,
      event_ts: ts,
      channel_type:
        ch?.kind === 'im' ? 'im' : ch?.kind === 'mpim' ? 'mpim' : ch?.isPrivate ? 'group' : 'channel',
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    };
    const envelopes: Array<Record<string, unknown>> = [];
    if (ch?.members.has(h.botUserId)) envelopes.push(event);
    if (input.text.includes(`<@${h.botUserId}>`)) envelopes.push({ ...event, type: 'app_mention' });
    const eventIds: string[] = [];
    const statuses: number[] = [];
    for (const ev of envelopes) {
      const eventId = newEventId();
      eventIds.push(eventId);
      for (let attempt = 0; attempt <= (input.retries ?? 0); attempt++) {
        const r = await this.deliverEvent(ev, { eventId, retryNum: attempt || undefined });
        statuses.push(r.status);
      }
    }
    return { ts, eventIds, statuses };
  }

  /** The bot's own new message comes back as an event, as for any current Slack app (no bot_message subtype). */
  echo(msg: StoredMessage, asEvent: Record<string, unknown>): void {
    if (this.apps.length === 0 && !this.socketConnected) return;
    if (!this.host.channels.get(msg.channel)?.members.has(this.host.botUserId)) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.deliverEvent({ ...asEvent, channel: msg.channel, event_ts: msg.ts }).catch(() => undefined);
    }, 5);
    this.timers.add(t);
  }

  /** Sends one Events API envelope; `forge` signs it with the wrong secret. */
  async deliverEvent(
    event: Record<string, unknown>,
    opts: { eventId?: string; retryNum?: number; forge?: boolean; timestamp?: number } = {},
  ): Promise<Delivered> {
    const h = this.host;
    const eventId = opts.eventId ?? newEventId();
    // In a Slack Connect channel started elsewhere the envelope names that workspace; only
    // `authorizations` names the installation that receives the event.
    const sharedFrom = h.channels.get(String(event.channel ?? ''))?.sharedFrom;
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: sharedFrom ?? h.teamId,
      ...(sharedFrom ? { is_ext_shared_channel: true } : {}),
      api_app_id: 'A0FAKEAPP',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: h.teamId, user_id: h.botUserId, is_bot: true }],
    });
    const retryNum = opts.retryNum ?? 0;
    if (this.socketConnected) {
      const r = await this.envelope('events_api', JSON.parse(body), opts.retryNum).catch(() => undefined);
      this.eventDeliveries.push({ eventId, retryNum, status: r?.status ?? 0, event });
      if (!r) {
        this.redeliver(event, eventId, retryNum, opts);
        return { status: 0, body: '' };
      }
      return r;
    }
    const headers: Record<string, string> = {};
    if (opts.retryNum) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const late = this.lateAnswers > 0 && !opts.forge;
    if (late) this.lateAnswers--;
    let r: Delivered;
    try {
      r = await this.deliver(body, 'application/json', headers, opts, ACK_DEADLINE_MS);
    } catch (err) {
      // No answer within 3 s, or nobody listening: Slack tries again later.
      this.eventDeliveries.push({ eventId, retryNum, status: 0, event });
      if (!opts.forge) this.redeliver(event, eventId, retryNum, opts);
      if ((err as Error).name === 'TimeoutError') return { status: 0, body: '' };
      throw err;
    }
    const answered = !late && r.status >= 200 && r.status < 300;
    this.eventDeliveries.push({ eventId, retryNum, status: late ? 0 : r.status, event });
    if (!answered && !opts.forge && r.status !== 401) this.redeliver(event, eventId, retryNum, opts);
    return late ? { status: 0, body: '' } : r;
  }

  private redeliver(
    event: Record<string, unknown>,
    eventId: string,
    retryNum: number,
    opts: { timestamp?: number },
  ): void {
    const delays = this.host.options.eventRetryDelaysMs ?? RETRY_DELAYS_MS;
    if (retryNum >= delays.length) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.deliverEvent(event, { ...opts, eventId, retryNum: retryNum + 1 }).catch(() => undefined);
    }, delays[retryNum]);
    t.unref();
    this.timers.add(t);
  }

  async deliver(
    body: string,
    contentType: string,
    extraHeaders: Record<string, string> = {},
    opts: { forge?: boolean; timestamp?: number } = {},
    timeoutMs?: number,
  ): Promise<Delivered> {
    if (this.apps.length === 0) throw new Error('FakeSlack.connectApp() first');
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    // Like a load balancer in front of replicas: a replica that refuses the connection is skipped.
    // Each delivery walks the replicas once from its own starting point, so concurrent deliveries
    // (redeliveries, clicks) cannot make one of them try the same dead replica twice.
    let lastError: unknown;
    const start = this.nextApp++;
    for (let tries = 0; tries < this.apps.length; tries++) {
      const app = this.apps[this.pinned ?? (start + tries) % this.apps.length]!;
      const secret = opts.forge ? 'not-the-signing-secret' : app.signingSecret;
      const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      try {
        const res = await fetch(app.url, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'x-slack-request-timestamp': ts,
            'x-slack-signature': sig,
            ...extraHeaders,
          },
          body,
          ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
        });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        lastError = err;
        if (this.pinned !== undefined || (err as Error).name === 'TimeoutError') break;
      }
    }
    throw lastError;
  }
}

function newEventId(): string {
  return `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}
