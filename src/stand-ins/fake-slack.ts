/**
 * A fake Slack: the Web API the bot calls (at /api/<method>), response_url endpoints, and the
 * sending side (signed slash commands and Events API deliveries, or Socket Mode envelopes).
 *
 * It keeps messages by channel and ts (an edit replaces text and blocks) and fails the way Slack
 * fails. The parts, by responsibility:
 * - fake-slack-workspace.ts: channels the bot can see, message content rules, post and update;
 * - fake-slack-streams.ts: native streaming (content-mode lock, lifetime and idle expiry, the
 *   broken state chat.update repairs, stop by a person, size caps);
 * - fake-slack-api.ts: the Web API router and the smaller methods;
 * - fake-slack-rate-limits.ts: Slack's published rate tiers and forced 429s;
 * - fake-slack-delivery.ts: deliveries to the bot, Slack's retries, Socket Mode reconnects;
 * - fake-slack-interactions.ts: slash commands, button clicks, response_url;
 * - fake-slack-agents.ts: agent sessions and their native stop, suggested prompts, the Home tab;
 * - block-kit-validator.ts: invalid_blocks / msg_blocks_too_long.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AgentSurfaces } from './fake-slack-agents.ts';
import { WebApiRouter } from './fake-slack-api.ts';
import { SlackDelivery } from './fake-slack-delivery.ts';
import { json, ObservedList, parseParams, readBody } from './fake-slack-http.ts';
import { SlackInteractions } from './fake-slack-interactions.ts';
import { RateLimiter } from './fake-slack-rate-limits.ts';
import { stopByUser } from './fake-slack-streams.ts';
import type {
  ApiCall,
  AppTarget,
  Channel,
  Ephemeral,
  FakeSlackOptions,
  FakeUser,
  StoredMessage,
} from './fake-slack-types.ts';
import { messageObject, type Workspace } from './fake-slack-workspace.ts';

export type {
  ApiCall,
  AppTarget,
  Channel,
  Ephemeral,
  FakeSlackOptions,
  FakeUser,
  StoredMessage,
  UploadedFile,
} from './fake-slack-types.ts';

/**
 * Emits 'change' with { kind: 'message' | 'edit' | 'ephemeral', channel, ts?, user? } whenever what a
 * person would see changes, so a UI (the local sandbox) can follow along live.
 */
export class FakeSlack extends EventEmitter implements Workspace {
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
  readonly scopes: Set<string>;
  /** Files between getUploadURLExternal and completeUploadExternal. */
  readonly uploads = new Map<string, { name: string; length: number; content?: string }>();
  readonly delivery: SlackDelivery;
  /** Agent sessions, suggested prompts and Home tabs, with the person's side (native stop, opening the tab). */
  readonly agents: AgentSurfaces;
  private readonly interactions: SlackInteractions;
  private readonly api: WebApiRouter;
  private readonly limiter: RateLimiter;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private tsCounter = 0;
  private fileCounter = 0;
  url = '';

  constructor(readonly options: FakeSlackOptions = {}) {
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
        'users:read',
      ],
    );
    this.delivery = new SlackDelivery(this);
    this.interactions = new SlackInteractions(this, this.delivery);
    this.api = new WebApiRouter(this);
    this.agents = new AgentSurfaces(this);
    this.limiter = new RateLimiter(options.enforceRateLimits ?? false);
    this.addChannel({ id: 'C0GENERAL', name: 'general', isPrivate: false, members: [this.botUserId] });
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A channel; ids starting with D are DMs, `kind: 'mpim'` a group DM. */
  addChannel(c: {
    id: string;
    name: string;
    isPrivate?: boolean;
    kind?: Channel['kind'];
    members?: string[];
    sharedFrom?: string;
  }): void {
    const kind = c.kind ?? (c.id.startsWith('D') ? 'im' : 'channel');
    this.channels.set(c.id, {
      id: c.id,
      name: c.name,
      isPrivate: c.isPrivate ?? kind !== 'channel',
      kind,
      members: new Set(c.members ?? []),
      ...(c.sharedFrom ? { sharedFrom: c.sharedFrom } : {}),
    });
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, u);
  }

  /** Where slash commands and events are sent (the bot's /slack/events URL). */
  connectApp(app: AppTarget): void {
    this.delivery.connectApp(app);
  }

  /** Several replicas of the bot behind one request URL: deliveries are spread round robin. */
  connectApps(apps: AppTarget[]): void {
    this.delivery.connectApps(apps);
  }

  get pinned(): number | undefined {
    return this.delivery.pinned;
  }

  set pinned(i: number | undefined) {
    this.delivery.pinned = i;
  }

  /** The next `times` calls to `method` get HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfter = 1, times = 1): void {
    this.limiter.force(method, retryAfter, times);
  }

  /** The next `times` calls to `method` fail with this Slack error. */
  failNext(method: string, error: string, times = 1): void {
    this.api.failNext(method, error, times);
  }

  /** Ends the forced failures of `method` (an outage is over). */
  clearFailures(method: string): void {
    this.api.clearFailures(method);
  }

  /** A person presses Slack's own stop button on a message that is streaming. */
  stopStreamAsUser(channel: string, ts: string, user: string): void {
    const msg = this.message(channel, ts);
    if (!msg) throw new Error(`no message ${channel}/${ts}`);
    stopByUser(this, msg, user);
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(err) }));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.delivery.attach(this.wss);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** True once a Socket Mode client has connected and received `hello`. */
  get socketConnected(): boolean {
    return this.delivery.socketConnected;
  }

  async stop(): Promise<void> {
    this.delivery.stop();
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

  // ---- the sending side (fake-slack-delivery.ts) ---------------------------------------------

  slashCommand(input: Parameters<SlackInteractions['slashCommand']>[0]) {
    return this.interactions.slashCommand(input);
  }

  /** A slash command's form as Slack would post it (response_url registered), to be sent by someone else. */
  slashCommandForm(input: Parameters<SlackInteractions['commandForm']>[0]): string {
    return this.interactions.commandForm(input).form;
  }

  userMessage(input: Parameters<SlackDelivery['userMessage']>[0]) {
    return this.delivery.userMessage(input);
  }

  clickButton(input: Parameters<SlackInteractions['clickButton']>[0]) {
    return this.interactions.clickButton(input);
  }

  deliverEvent(event: Record<string, unknown>, opts?: Parameters<SlackDelivery['deliverEvent']>[1]) {
    return this.delivery.deliverEvent(event, opts);
  }

  deliver(...args: Parameters<SlackDelivery['deliver']>) {
    return this.delivery.deliver(...args);
  }

  clickFeedback(input: Parameters<SlackInteractions['clickFeedback']>[0]) {
    return this.interactions.clickFeedback(input);
  }

  /** A click on a button of the person's Home tab (as published with views.publish). */
  clickHomeButton(input: { user: string; actionId: string; value: string }) {
    const view = this.agents.homes.get(input.user);
    if (!view) throw new Error(`${input.user} has no Home tab`);
    return this.interactions.clickHomeButton({ ...input, viewId: view.id });
  }

  // ---- Workspace (used by the Web API modules) -----------------------------------------------

  subscribed(event: string): boolean {
    return this.options.botEvents === undefined || this.options.botEvents.includes(event);
  }

  changedSurface(kind: 'agent_session' | 'home', key: string): void {
    this.emit('change', { kind, key });
  }

  imWith(user: string): string | undefined {
    if (!this.users.has(user)) return undefined;
    for (const c of this.channels.values())
      if (c.kind === 'im' && c.members.has(user) && c.members.has(this.botUserId)) return c.id;
    const id = `D${user.slice(1)}`;
    this.addChannel({ id, name: `dm-${this.users.get(user)!.name}`, members: [user, this.botUserId] });
    return id;
  }

  store(m: Omit<StoredMessage, 'versions'>): StoredMessage {
    const msg: StoredMessage = { ...m, versions: [{ text: m.text, blocks: m.blocks, at: Date.now() }] };
    this.messages.push(msg);
    this.emit('change', { kind: 'message', channel: msg.channel, ts: msg.ts });
    return msg;
  }

  changed(kind: 'message' | 'edit', channel: string, ts: string): void {
    this.emit('change', { kind, channel, ts });
  }

  echo(msg: StoredMessage): void {
    if (this.options.echoBotMessages ?? true) this.delivery.echo(msg, messageObject(this, msg));
  }

  pushEphemeral(e: {
    channel: string;
    user: string;
    text: string;
    blocks?: unknown[];
    threadTs?: string;
  }): void {
    this.ephemerals.push({ ...e, via: 'chat.postEphemeral' });
  }

  newFileId(): string {
    return `F0FAKE${String(++this.fileCounter).padStart(4, '0')}`;
  }

  nextTs(): string {
    this.tsCounter++;
    const secs = Math.floor(Date.now() / 1000);
    return `${secs}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/'))
      return this.interactions.handleResponseUrl(url.pathname.slice(10), raw, res);
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

    const retryAfter = this.limiter.check(method, params);
    if (retryAfter !== undefined) {
      call.status = 429;
      call.error = 'ratelimited';
      call.response = { ok: false, error: 'ratelimited' };
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify(call.response));
      return;
    }
    const result = this.api.dispatch(method, params, token);
    if (result.ok === false) call.error = String(result.error);
    call.response = result;
    // Slack names the token's scopes on every answer (X-OAuth-Scopes), as the scope docs describe.
    if (token === this.botToken) res.setHeader('x-oauth-scopes', [...this.scopes].join(','));
    json(res, 200, result);
  }
}
