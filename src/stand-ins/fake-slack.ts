/**
 * A fake Slack: the Web API the bot calls (at /api/<method>), response_url endpoints, and the
 * sending side (signed slash commands and Events API deliveries to the bot's request URL).
 *
 * It keeps messages by channel and ts (an edit replaces text and blocks), answers with Slack's
 * response shapes, and fails the way Slack fails: invalid_auth, channel_not_found, not_in_channel,
 * msg_too_long, invalid_blocks, msg_blocks_too_long, message_not_found, cant_update_message, and
 * HTTP 429 with Retry-After when a test asks for it or when per-method rate limits are enforced.
 *
 * Native streaming (chat.startStream / appendStream / stopStream) keeps the streamed message's
 * Markdown and task updates; a stream ends by itself after `streamLifetimeMs` (Slack: about five
 * minutes), after which appends and stops fail with `message_not_in_streaming_state`. In channels
 * startStream needs recipient_user_id and recipient_team_id. Files upload v2 is the real three-step
 * flow: files.getUploadURLExternal, a POST of the bytes to the returned URL, then
 * files.completeUploadExternal (files:write), which shares the files in the thread.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { validateBlocks } from './block-kit-validator.ts';

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: Set<string>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  /** Reactions the bot added (name). */
  reactions?: Set<string>;
  /** Every version of the message, oldest first (the post, then each edit). */
  versions: Array<{ text: string; blocks?: unknown[]; at: number }>;
  /** A natively streamed message: its state and the task updates it received. */
  stream?: {
    state: 'streaming' | 'completed';
    startedAt: number;
    recipientUserId?: string;
    recipientTeamId?: string;
    markdown: string;
    tasks: Map<string, { title: string; status: string }>;
  };
  /** Files shared with this message (files.completeUploadExternal). */
  files?: UploadedFile[];
}

export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  content: string;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** HTTP status and Slack error (if any) the fake answered with. */
  status: number;
  error?: string;
}

export interface Ephemeral {
  channel: string;
  user?: string;
  text: string;
  blocks?: unknown[];
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  threadTs?: string;
}

export interface FakeSlackOptions {
  teamId?: string;
  botToken?: string;
  /** App-level token accepted by apps.connections.open (Socket Mode). */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  /** Scopes granted to the bot token; chat:write.public lets it post in public channels it has not joined. */
  scopes?: string[];
  /** Enforce per-method rate limits (calls per minute per workspace; chat.postMessage is 1/s per channel). */
  enforceRateLimits?: boolean;
  /** Deliver the bot's own posts back to it as message events, as Slack does. */
  echoBotMessages?: boolean;
  /** How long a native stream stays writable (Slack: about 5 minutes). */
  streamLifetimeMs?: number;
}

export interface AppTarget {
  url: string;
  signingSecret: string;
}

const PER_MINUTE: Record<string, number> = {
  'chat.update': 50,
  'chat.postEphemeral': 100,
  'reactions.add': 50,
  'conversations.join': 50,
  'auth.test': 100,
  'chat.startStream': 20,
  'chat.stopStream': 20,
  'chat.appendStream': 100,
  'files.getUploadURLExternal': 100,
  'files.completeUploadExternal': 100,
};

export interface FakeUser {
  id: string;
  name: string;
}

/**
 * Emits 'change' with { kind: 'message' | 'edit' | 'ephemeral', channel, ts?, user? } whenever what a
 * person would see changes, so a UI (the local sandbox) can follow along live.
 */
export class FakeSlack extends EventEmitter {
  readonly teamId: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appToken: string;
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: Ephemeral[] = new ObservedList<Ephemeral>((e) =>
    this.emit('change', { kind: 'ephemeral', channel: e.channel, user: e.user }),
  );
  readonly channels = new Map<string, Channel>();
  readonly users = new Map<string, FakeUser>();
  /** User groups (id → member ids), answered by usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();
  private readonly scopes: Set<string>;
  private server: Server | undefined;
  /** Where deliveries go: one app, or several replicas behind a load balancer (round robin). */
  private apps: AppTarget[] = [];
  private nextApp = 0;
  /** When set, every delivery goes to this replica (index into the connected apps). */
  pinned: number | undefined;
  private readonly forced: Array<{ method: string; retryAfter: number; times: number }> = [];
  private readonly failures: Array<{ method: string; error: string; times: number }> = [];
  private readonly windows = new Map<string, number[]>();
  private readonly responseUrls = new Map<
    string,
    // threadTs: a click on a message in a thread; Slack shows the ephemeral response in that thread.
    { uses: number; expires: number; channel: string; user: string; threadTs?: string }
  >();
  private tsCounter = 0;
  /** Files between getUploadURLExternal and completeUploadExternal. */
  private readonly uploads = new Map<string, { name: string; length: number; content?: string }>();
  private fileCounter = 0;
  private wss: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  url = '';

  constructor(private readonly options: FakeSlackOptions = {}) {
    super();
    this.teamId = options.teamId ?? 'T0FAKE01';
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.botUserId = options.botUserId ?? 'U0BOT0001';
    this.botId = options.botId ?? 'B0BOT0001';
    this.appToken = options.appToken ?? 'xapp-fake-app-token-A0FAKEAPP';
    this.scopes = new Set(
      options.scopes ?? [
        'commands',
        'chat:write',
        'app_mentions:read',
        'channels:history',
        'groups:history',
        'channels:join',
        'usergroups:read',
        'reactions:write',
        'files:write',
      ],
    );
    this.addChannel({ id: 'C0GENERAL', name: 'general', isPrivate: false, members: [this.botUserId] });
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  addChannel(c: { id: string; name: string; isPrivate?: boolean; members?: string[] }): void {
    this.channels.set(c.id, {
      id: c.id,
      name: c.name,
      isPrivate: c.isPrivate ?? false,
      members: new Set(c.members ?? []),
    });
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, u);
  }

  /** Where slash commands and events are sent (the bot's /slack/events URL). */
  connectApp(app: AppTarget): void {
    this.apps = [app];
  }

  /** Several replicas of the bot behind one request URL: deliveries are spread round robin. */
  connectApps(apps: AppTarget[]): void {
    this.apps = [...apps];
  }

  /** The next `times` calls to `method` get HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfter = 1, times = 1): void {
    this.forced.push({ method, retryAfter, times });
  }

  /** The next `times` calls to `method` fail with this Slack error. */
  failNext(method: string, error: string, times = 1): void {
    this.failures.push({ method, error, times });
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(err) }));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** True once a Socket Mode client has connected and received `hello`. */
  get socketConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private onSocket(ws: WebSocket): void {
    this.socket = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (msg.envelope_id) this.pendingAcks.get(msg.envelope_id)?.(msg.payload);
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
  private async envelope(
    type: 'slash_commands' | 'events_api' | 'interactive',
    payload: unknown,
    retryNum?: number,
  ): Promise<{ status: number; body: string }> {
    const id = randomUUID();
    const acked = new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no Socket Mode ack within 3 s')), 3000);
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

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---- queries for tests -------------------------------------------------------------------

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages in a channel, oldest first. */
  rootMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.threadTs);
  }

  /** Replies in a thread, oldest first (the root excluded). */
  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs);
  }

  async waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---- the sending side: what Slack delivers to the bot ------------------------------------

  async slashCommand(input: {
    command: string;
    text: string;
    user: string;
    channel: string;
    userName?: string;
  }): Promise<{ status: number; body: string; ms: number; triggerId: string }> {
    const responseId = randomUUID();
    this.responseUrls.set(responseId, { uses: 0, expires: Date.now() + 30 * 60_000, ...input });
    const triggerId = `${Date.now()}.${Math.floor(Math.random() * 1e9)}`;
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'fake',
      channel_id: input.channel,
      channel_name: this.channels.get(input.channel)?.name ?? 'unknown',
      user_id: input.user,
      user_name: input.userName ?? input.user.toLowerCase(),
      command: input.command,
      text: input.text,
      api_app_id: 'A0FAKEAPP',
      is_enterprise_install: 'false',
      response_url: `${this.url}/response/${responseId}`,
      trigger_id: triggerId,
    }).toString();
    const started = Date.now();
    const r = this.socketConnected
      ? await this.envelope('slash_commands', Object.fromEntries(new URLSearchParams(form)))
      : await this.deliver(form, 'application/x-www-form-urlencoded');
    const ms = Date.now() - started;
    if (r.status === 200 && r.body) {
      try {
        const ack = JSON.parse(r.body) as { text?: string; blocks?: unknown[]; response_type?: string };
        if (ack.response_type !== 'in_channel' && (ack.text || ack.blocks)) {
          this.ephemerals.push({
            channel: input.channel,
            user: input.user,
            text: ack.text ?? '',
            blocks: ack.blocks,
            via: 'ack',
          });
        }
      } catch {
        this.ephemerals.push({ channel: input.channel, user: input.user, text: r.body, via: 'ack' });
      }
    }
    return { ...r, ms, triggerId };
  }

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
    const ts = this.nextTs();
    this.store({ channel: input.channel, ts, threadTs: input.threadTs, user: input.user, text: input.text });
    const event: Record<string, unknown> = {
      type: 'message',
      channel: input.channel,
      user: input.user,
      text: input.text,
      ts,
      event_ts: ts,
      channel_type: input.channel.startsWith('D')
        ? 'im'
        : this.channels.get(input.channel)?.isPrivate
          ? 'group'
          : 'channel',
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    };
    const envelopes: Array<Record<string, unknown>> = [];
    if (this.channels.get(input.channel)?.members.has(this.botUserId)) envelopes.push(event);
    if (input.text.includes(`<@${this.botUserId}>`)) envelopes.push({ ...event, type: 'app_mention' });
    const eventIds: string[] = [];
    const statuses: number[] = [];
    for (const ev of envelopes) {
      const eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      eventIds.push(eventId);
      for (let attempt = 0; attempt <= (input.retries ?? 0); attempt++) {
        const r = await this.deliverEvent(ev, { eventId, retryNum: attempt || undefined });
        statuses.push(r.status);
      }
    }
    return { ts, eventIds, statuses };
  }

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
  }): Promise<{ status: number; body: string }> {
    const msg = this.message(input.channel, input.messageTs);
    const block = (
      msg?.blocks as
        | Array<{
            block_id?: string;
            type: string;
            elements?: Array<{ action_id?: string; value?: string; text?: unknown }>;
          }>
        | undefined
    )?.find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === input.actionId));
    const element = block?.elements?.find((e) => e.action_id === input.actionId);
    const responseId = randomUUID();
    this.responseUrls.set(responseId, {
      uses: 0,
      expires: Date.now() + 30 * 60_000,
      channel: input.channel,
      user: input.user,
      threadTs: msg?.threadTs,
    });
    const payload = {
      type: 'block_actions',
      user: {
        id: input.user,
        username: this.users.get(input.user)?.name ?? input.user.toLowerCase(),
        team_id: this.teamId,
      },
      api_app_id: 'A0FAKEAPP',
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: input.messageTs,
        channel_id: input.channel,
        is_ephemeral: false,
      },
      trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e9)}`,
      team: { id: this.teamId, domain: 'fake' },
      channel: { id: input.channel, name: this.channels.get(input.channel)?.name ?? 'unknown' },
      message: msg
        ? {
            type: 'message',
            ts: msg.ts,
            text: msg.text,
            blocks: msg.blocks,
            thread_ts: msg.threadTs,
            bot_id: msg.botId,
          }
        : undefined,
      response_url: `${this.url}/response/${responseId}`,
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId ?? block?.block_id ?? 'unknown',
          value: input.value ?? element?.value,
          text: element?.text ?? { type: 'plain_text', text: input.actionId },
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    if (this.socketConnected) return this.envelope('interactive', payload);
    return this.deliver(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
      {},
      { forge: input.forge },
    );
  }

  /** Sends one Events API envelope; `forge` signs it with the wrong secret. */
  async deliverEvent(
    event: Record<string, unknown>,
    opts: { eventId?: string; retryNum?: number; forge?: boolean; timestamp?: number } = {},
  ): Promise<{ status: number; body: string }> {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: 'A0FAKEAPP',
      event,
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${randomUUID().slice(0, 8)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: this.botUserId, is_bot: true }],
    });
    if (this.socketConnected) return this.envelope('events_api', JSON.parse(body), opts.retryNum);
    const headers: Record<string, string> = {};
    if (opts.retryNum) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return this.deliver(body, 'application/json', headers, opts);
  }

  async deliver(
    body: string,
    contentType: string,
    extraHeaders: Record<string, string> = {},
    opts: { forge?: boolean; timestamp?: number } = {},
  ): Promise<{ status: number; body: string }> {
    if (this.apps.length === 0) throw new Error('FakeSlack.connectApp() first');
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    // Like a load balancer in front of replicas: a replica that refuses the connection is skipped.
    let lastError: unknown;
    for (let tries = 0; tries < this.apps.length; tries++) {
      const app = this.apps[this.pinned ?? this.nextApp++ % this.apps.length]!;
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
        });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        lastError = err;
        if (this.pinned !== undefined) break;
      }
    }
    throw lastError;
  }

  // ---- the Web API -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/'))
      return this.handleResponseUrl(url.pathname.slice(10), raw, res);
    if (url.pathname.startsWith('/upload/')) {
      const up = this.uploads.get(url.pathname.slice(8));
      if (!up || req.method !== 'POST') return json(res, 404, { ok: false, error: 'not_found' });
      up.content = raw;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${Buffer.byteLength(raw)}`);
      return;
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'not_found' });
    const method = url.pathname.slice(5);
    const params = parseParams(raw, req.headers['content-type'] ?? '');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (params.token as string | undefined);
    const call: ApiCall = { method, params, token, at: Date.now(), status: 200 };
    this.calls.push(call);

    const retryAfter = this.rateLimit(method, params);
    if (retryAfter !== undefined) {
      call.status = 429;
      call.error = 'ratelimited';
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const result = this.dispatch(method, params, token);
    if (result.ok === false) call.error = String(result.error);
    json(res, 200, result);
  }

  private dispatch(
    method: string,
    p: Record<string, unknown>,
    token: string | undefined,
  ): Record<string, unknown> {
    if (!token) return { ok: false, error: 'not_authed' };
    if (method === 'apps.connections.open') {
      if (token !== this.appToken)
        return { ok: false, error: token.startsWith('xoxb-') ? 'not_allowed_token_type' : 'invalid_auth' };
      return { ok: true, url: `${this.url.replace('http', 'ws')}/socket` };
    }
    if (token !== this.botToken) return { ok: false, error: 'invalid_auth' };
    const forced = this.failures.find((f) => f.method === method && f.times > 0);
    if (forced) {
      forced.times--;
      return { ok: false, error: forced.error };
    }
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake Workspace',
          user: 'agentcore-bot',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(p);
      case 'chat.update':
        return this.update(p);
      case 'chat.startStream':
        return this.startStream(p);
      case 'chat.appendStream':
        return this.appendStream(p);
      case 'chat.stopStream':
        return this.stopStream(p);
      case 'files.getUploadURLExternal': {
        if (!this.scopes.has('files:write'))
          return { ok: false, error: 'missing_scope', needed: 'files:write' };
        const length = Number(p.length);
        if (!p.filename || !Number.isInteger(length) || length < 1)
          return { ok: false, error: 'invalid_arguments' };
        const id = `F0FAKE${String(++this.fileCounter).padStart(4, '0')}`;
        this.uploads.set(id, { name: String(p.filename), length });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(p);
      case 'chat.postEphemeral': {
        const ch = this.channels.get(String(p.channel));
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (!ch.members.has(this.botUserId)) return { ok: false, error: 'not_in_channel' };
        const content = this.content(p);
        if ('error' in content) return { ok: false, error: content.error };
        this.ephemerals.push({
          channel: ch.id,
          user: String(p.user),
          ...content,
          via: 'chat.postEphemeral',
          threadTs: p.thread_ts as string | undefined,
        });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.join': {
        const ch = this.channels.get(String(p.channel));
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (!this.scopes.has('channels:join'))
          return { ok: false, error: 'missing_scope', needed: 'channels:join' };
        if (ch.isPrivate) return { ok: false, error: 'method_not_supported_for_channel_type' };
        ch.members.add(this.botUserId);
        return { ok: true, channel: { id: ch.id, name: ch.name, is_member: true } };
      }
      case 'usergroups.users.list': {
        if (!this.scopes.has('usergroups:read'))
          return { ok: false, error: 'missing_scope', needed: 'usergroups:read' };
        const members = this.userGroups.get(String(p.usergroup));
        if (!members) return { ok: false, error: 'no_such_subteam' };
        return { ok: true, users: members };
      }
      case 'users.info': {
        const u = this.users.get(String(p.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: { id: u.id, name: u.name, real_name: u.name, profile: { display_name: u.name } },
        };
      }
      case 'reactions.add':
      case 'reactions.remove': {
        if (!this.scopes.has('reactions:write'))
          return { ok: false, error: 'missing_scope', needed: 'reactions:write' };
        const m = this.message(String(p.channel), String(p.timestamp));
        if (!m) return { ok: false, error: 'message_not_found' };
        const name = String(p.name);
        m.reactions ??= new Set();
        if (method === 'reactions.add') {
          if (m.reactions.has(name)) return { ok: false, error: 'already_reacted' };
          m.reactions.add(name);
        } else {
          if (!m.reactions.has(name)) return { ok: false, error: 'no_reaction' };
          m.reactions.delete(name);
        }
        this.emit('change', { kind: 'edit', channel: m.channel, ts: m.ts });
        return { ok: true };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(p: Record<string, unknown>): Record<string, unknown> {
    const ch = this.channels.get(String(p.channel));
    if (!ch) return { ok: false, error: 'channel_not_found' };
    const member = ch.members.has(this.botUserId);
    if (!member && (ch.isPrivate || !this.scopes.has('chat:write.public')))
      return { ok: false, error: 'not_in_channel' };
    const content = this.content(p);
    if ('error' in content) return { ok: false, error: content.error };
    const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
    if (threadTs && !this.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
    const ts = this.nextTs();
    const msg = this.store({ channel: ch.id, ts, threadTs, botId: this.botId, ...content });
    if (this.options.echoBotMessages ?? true) void this.echo(msg);
    return {
      ok: true,
      channel: ch.id,
      ts,
      message: {
        type: 'message',
        text: msg.text,
        bot_id: this.botId,
        ts,
        thread_ts: threadTs,
        blocks: msg.blocks,
      },
    };
  }

  private update(p: Record<string, unknown>): Record<string, unknown> {
    const ch = this.channels.get(String(p.channel));
    if (!ch) return { ok: false, error: 'channel_not_found' };
    const msg = this.message(ch.id, String(p.ts));
    if (!msg) return { ok: false, error: 'message_not_found' };
    if (msg.botId !== this.botId) return { ok: false, error: 'cant_update_message' };
    const content = this.content(p);
    if ('error' in content) return { ok: false, error: content.error };
    msg.text = content.text;
    msg.blocks = content.blocks;
    msg.versions.push({ text: content.text, blocks: content.blocks, at: Date.now() });
    this.emit('change', { kind: 'edit', channel: ch.id, ts: msg.ts });
    return { ok: true, channel: ch.id, ts: msg.ts, text: msg.text };
  }

  private startStream(p: Record<string, unknown>): Record<string, unknown> {
    const ch = this.channels.get(String(p.channel));
    if (!ch) return { ok: false, error: 'channel_not_found' };
    if (!ch.members.has(this.botUserId) && (ch.isPrivate || !this.scopes.has('chat:write.public')))
      return { ok: false, error: 'not_in_channel' };
    const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
    if (!threadTs) return { ok: false, error: 'invalid_arguments' };
    if (!this.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
    // Outside a DM Slack needs to know whom the stream answers.
    if (!p.recipient_team_id) return { ok: false, error: 'missing_recipient_team_id' };
    if (!p.recipient_user_id) return { ok: false, error: 'missing_recipient_user_id' };
    const added = streamContent(p);
    if ('error' in added) return { ok: false, error: added.error };
    const ts = this.nextTs();
    const msg = this.store({
      channel: ch.id,
      ts,
      threadTs,
      botId: this.botId,
      text: added.markdown,
      blocks: [{ type: 'markdown', text: added.markdown }],
    });
    msg.stream = {
      state: 'streaming',
      startedAt: Date.now(),
      recipientUserId: String(p.recipient_user_id),
      recipientTeamId: String(p.recipient_team_id),
      markdown: added.markdown,
      tasks: new Map(added.tasks),
    };
    return { ok: true, channel: ch.id, ts };
  }

  /** The streamed message if it can still be written, else Slack's error. */
  private streaming(p: Record<string, unknown>): StoredMessage | { error: string } {
    const ch = this.channels.get(String(p.channel));
    if (!ch) return { error: 'channel_not_found' };
    const msg = this.message(ch.id, String(p.ts));
    if (!msg) return { error: 'message_not_found' };
    if (msg.botId !== this.botId) return { error: 'cant_update_message' };
    const s = msg.stream;
    if (s?.state === 'streaming' && Date.now() - s.startedAt > (this.options.streamLifetimeMs ?? 300_000))
      s.state = 'completed';
    if (s?.state !== 'streaming') return { error: 'message_not_in_streaming_state' };
    return msg;
  }

  private appendStream(p: Record<string, unknown>): Record<string, unknown> {
    const msg = this.streaming(p);
    if ('error' in msg) return { ok: false, error: msg.error };
    const added = streamContent(p);
    if ('error' in added) return { ok: false, error: added.error };
    if (!added.markdown && added.tasks.length === 0) return { ok: false, error: 'no_text' };
    this.applyStream(msg, added);
    return { ok: true, channel: msg.channel, ts: msg.ts };
  }

  private stopStream(p: Record<string, unknown>): Record<string, unknown> {
    const msg = this.streaming(p);
    if ('error' in msg) return { ok: false, error: msg.error };
    const added = streamContent(p);
    if ('error' in added) return { ok: false, error: added.error };
    const extra = p.blocks === undefined ? [] : (p.blocks as unknown[]);
    if (extra.length > 0) {
      const problem = validateBlocks(extra);
      if (problem) return { ok: false, error: problem.error };
    }
    msg.stream!.state = 'completed';
    this.applyStream(msg, added, extra);
    return { ok: true, channel: msg.channel, ts: msg.ts };
  }

  private applyStream(
    msg: StoredMessage,
    added: { markdown: string; tasks: Array<[string, { title: string; status: string }]> },
    extraBlocks: unknown[] = [],
  ): void {
    const s = msg.stream!;
    s.markdown += added.markdown;
    for (const [id, t] of added.tasks) s.tasks.set(id, t);
    msg.text = s.markdown;
    msg.blocks = [...(s.markdown ? [{ type: 'markdown', text: s.markdown }] : []), ...extraBlocks];
    msg.versions.push({ text: msg.text, blocks: msg.blocks, at: Date.now() });
    this.emit('change', { kind: 'edit', channel: msg.channel, ts: msg.ts });
  }

  private completeUpload(p: Record<string, unknown>): Record<string, unknown> {
    if (!this.scopes.has('files:write')) return { ok: false, error: 'missing_scope', needed: 'files:write' };
    const list = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as
      | Array<{ id?: string; title?: string }>
      | undefined;
    if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
    const files: UploadedFile[] = [];
    for (const f of list) {
      const up = f.id ? this.uploads.get(f.id) : undefined;
      if (!up || up.content === undefined) return { ok: false, error: 'file_not_found' };
      if (Buffer.byteLength(up.content) !== up.length)
        return { ok: false, error: 'file_upload_size_mismatch' };
      files.push({ id: f.id!, name: up.name, title: f.title ?? up.name, content: up.content });
    }
    for (const f of files) this.uploads.delete(f.id);
    const channel = p.channel_id ? String(p.channel_id) : undefined;
    if (channel) {
      const ch = this.channels.get(channel);
      if (!ch) return { ok: false, error: 'channel_not_found' };
      if (!ch.members.has(this.botUserId)) return { ok: false, error: 'not_in_channel' };
      const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
      if (threadTs && !this.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
      this.store({
        channel: ch.id,
        ts: this.nextTs(),
        threadTs,
        botId: this.botId,
        text: typeof p.initial_comment === 'string' ? p.initial_comment : '',
        // Part of the message when it appears (the 'message' change carries them).
        files,
      });
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, name: f.name, title: f.title })) };
  }

  private content(p: Record<string, unknown>): { text: string; blocks?: unknown[] } | { error: string } {
    const text = typeof p.text === 'string' ? p.text : '';
    const blocks = p.blocks === undefined ? undefined : (p.blocks as unknown[]);
    if (!text && (!blocks || blocks.length === 0)) return { error: 'no_text' };
    if (text.length > 40_000) return { error: 'msg_too_long' };
    if (blocks !== undefined) {
      const problem = validateBlocks(blocks);
      if (problem) return { error: problem.error };
    }
    return { text, blocks };
  }

  private store(m: Omit<StoredMessage, 'versions'>): StoredMessage {
    const msg: StoredMessage = { ...m, versions: [{ text: m.text, blocks: m.blocks, at: Date.now() }] };
    this.messages.push(msg);
    this.emit('change', { kind: 'message', channel: msg.channel, ts: msg.ts });
    return msg;
  }

  private async echo(msg: StoredMessage): Promise<void> {
    if (this.apps.length === 0 || !this.channels.get(msg.channel)?.members.has(this.botUserId)) return;
    await new Promise((r) => setTimeout(r, 5));
    await this.deliverEvent({
      type: 'message',
      subtype: 'bot_message',
      bot_id: this.botId,
      channel: msg.channel,
      text: msg.text,
      ts: msg.ts,
      ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
    }).catch(() => undefined);
  }

  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const entry = this.responseUrls.get(id);
    if (!entry || entry.uses >= 5 || Date.now() > entry.expires) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('expired_url');
      return;
    }
    entry.uses++;
    const body = JSON.parse(raw || '{}') as { text?: string; blocks?: unknown[]; response_type?: string };
    if (body.response_type === 'in_channel') {
      const ts = this.nextTs();
      this.store({
        channel: entry.channel,
        ts,
        botId: this.botId,
        text: body.text ?? '',
        blocks: body.blocks,
      });
    } else {
      this.ephemerals.push({
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

  private rateLimit(method: string, p: Record<string, unknown>): number | undefined {
    const forced = this.forced.find((f) => f.method === method && f.times > 0);
    if (forced) {
      forced.times--;
      return forced.retryAfter;
    }
    if (!this.options.enforceRateLimits) return undefined;
    const now = Date.now();
    const [key, limit, windowMs] =
      method === 'chat.postMessage'
        ? [`${method}:${String(p.channel)}`, 1, 1000]
        : [method, PER_MINUTE[method] ?? 100, 60_000];
    const hits = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs);
    if (hits.length >= limit) {
      this.windows.set(key, hits);
      return Math.max(1, Math.ceil((hits[0]! + windowMs - now) / 1000));
    }
    hits.push(now);
    this.windows.set(key, hits);
    return undefined;
  }

  private nextTs(): string {
    this.tsCounter++;
    const secs = Math.floor(Date.now() / 1000);
    return `${secs}.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

/** What a stream call adds: markdown_text and markdown_text/task_update chunks (12,000 chars per call). */
function streamContent(
  p: Record<string, unknown>,
): { markdown: string; tasks: Array<[string, { title: string; status: string }]> } | { error: string } {
  let markdown = typeof p.markdown_text === 'string' ? p.markdown_text : '';
  const tasks: Array<[string, { title: string; status: string }]> = [];
  const chunks = (typeof p.chunks === 'string' ? JSON.parse(p.chunks) : p.chunks) as
    | Array<Record<string, unknown>>
    | undefined;
  if (chunks !== undefined && !Array.isArray(chunks)) return { error: 'invalid_chunks' };
  if (markdown && chunks?.length) return { error: 'invalid_arguments' };
  for (const c of chunks ?? []) {
    if (c.type === 'markdown_text' && typeof c.text === 'string') markdown += c.text;
    else if (c.type === 'task_update' && typeof c.id === 'string' && typeof c.title === 'string') {
      if (c.title.length > 256) return { error: 'invalid_chunks' };
      tasks.push([c.id, { title: c.title, status: String(c.status ?? 'pending') }]);
    } else return { error: 'invalid_chunks' };
  }
  if (markdown.length > 12_000) return { error: 'msg_too_long' };
  return { markdown, tasks };
}

/** An array that reports each push, so ephemerals can be observed like messages. */
class ObservedList<T> extends Array<T> {
  constructor(private readonly onPush: (item: T) => void) {
    super();
  }
  static override get [Symbol.species]() {
    return Array;
  }
  override push(...items: T[]): number {
    const n = super.push(...items);
    for (const i of items) this.onPush(i);
    return n;
  }
}

function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // web-api sends nested values (blocks, attachments) JSON-encoded inside the form body.
    out[k] = (v.startsWith('[') || v.startsWith('{')) && isJson(v) ? JSON.parse(v) : v;
  }
  return out;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
