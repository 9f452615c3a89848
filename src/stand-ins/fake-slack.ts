/**
 * A fake Slack: the Web API the bot calls (at /api/<method>), response_url endpoints, and the
 * sending side (signed slash commands and Events API deliveries, or Socket Mode envelopes).
 *
 * It keeps messages by channel and ts (an edit replaces text and blocks) and fails the way Slack
 * fails. The parts, by responsibility:
 * - fake-slack-store.ts: the workspace's state (channels, users, messages, calls) and the queries
 *   tests read it with; FakeSlack extends it;
 * - fake-slack-server.ts: the HTTP server, token extraction, rate-limit check, Socket Mode socket;
 * - fake-slack-workspace.ts: channels the bot can see, message content rules, post and update;
 * - fake-slack-streams.ts: native streaming (content-mode lock, lifetime and idle expiry, the
 *   broken state chat.update repairs, stop by a person, size caps);
 * - fake-slack-api.ts: the Web API router and the smaller methods;
 * - fake-slack-rate-limits.ts: Slack's published rate tiers and forced 429s;
 * - fake-slack-latency.ts: answers a test makes late (the call lands, the answer comes after);
 * - fake-slack-delivery.ts: deliveries to the bot, Slack's retries, Socket Mode reconnects;
 * - fake-slack-interactions.ts: slash commands, button clicks, response_url;
 * - fake-slack-agents.ts: agent sessions and their native stop, suggested prompts, the Home tab;
 * - block-kit-validator.ts: invalid_blocks / msg_blocks_too_long.
 * This file wires them together and holds what tests do as Slack or as a person (connect the app,
 * force failures, send commands, click buttons).
 */
import { AgentSurfaces } from './fake-slack-agents.ts';
import { WebApiRouter } from './fake-slack-api.ts';
import { SlackDelivery } from './fake-slack-delivery.ts';
import { SlackInteractions } from './fake-slack-interactions.ts';
import { type ParamsMatch, SlowAnswers } from './fake-slack-latency.ts';
import { RateLimiter } from './fake-slack-rate-limits.ts';
import { SlackHttpServer } from './fake-slack-server.ts';
import { SlackStore } from './fake-slack-store.ts';
import { stopByUser } from './fake-slack-streams.ts';
import type { AppTarget, FakeSlackOptions, StoredMessage } from './fake-slack-types.ts';
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

/** The fake workspace (state and queries: SlackStore) with Slack's servers and the people in it. */
export class FakeSlack extends SlackStore implements Workspace {
  readonly delivery: SlackDelivery;
  /** Agent sessions, suggested prompts and Home tabs, with the person's side (native stop, opening the tab). */
  readonly agents: AgentSurfaces;
  private readonly interactions: SlackInteractions;
  private readonly api: WebApiRouter;
  private readonly limiter: RateLimiter;
  private readonly slow = new SlowAnswers();
  private readonly http: SlackHttpServer;
  url = '';

  constructor(options: FakeSlackOptions = {}) {
    super(options);
    this.delivery = new SlackDelivery(this);
    this.interactions = new SlackInteractions(this, this.delivery);
    this.api = new WebApiRouter(this);
    this.agents = new AgentSurfaces(this);
    this.limiter = new RateLimiter(options.enforceRateLimits ?? false, options.postWorkspaceCap);
    this.http = new SlackHttpServer(this, {
      api: this.api,
      limiter: this.limiter,
      interactions: this.interactions,
      delivery: this.delivery,
      slow: this.slow,
    });
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
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

  /**
   * The next `times` calls to `method` (those `when` matches) take effect at once but are answered
   * `ms` late, as when Slack is slow: a client that times out first cannot tell the call landed.
   */
  slowDown(method: string, ms: number, times = 1, when?: ParamsMatch): void {
    this.slow.add(method, ms, times, when);
  }

  /** Files completed from now on are shared (their message appears) `ms` later, as Slack may. */
  delayFileShares(ms: number): void {
    this.fileShareDelayMs = ms;
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
    this.url = await this.http.start(port);
    return this.url;
  }

  /** True once a Socket Mode client has connected and received `hello`. */
  get socketConnected(): boolean {
    return this.delivery.socketConnected;
  }

  async stop(): Promise<void> {
    this.delivery.stop();
    await this.http.stop();
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

  // ---- Workspace (used by the Web API modules; the rest is SlackStore's) ----------------------

  subscribed(event: string): boolean {
    return this.options.botEvents === undefined || this.options.botEvents.includes(event);
  }

  echo(msg: StoredMessage): void {
    if (this.options.echoBotMessages ?? true) this.delivery.echo(msg, messageObject(this, msg));
  }
}
