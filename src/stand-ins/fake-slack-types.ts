/** The fake Slack's data model: what it stores and what tests can read back. */
import type { PostWorkspaceCap } from './fake-slack-rate-limits.ts';

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  /** `im` (a DM, id D…), `mpim` (a group DM), else a public or private channel. */
  kind: 'channel' | 'im' | 'mpim';
  members: Set<string>;
  /**
   * A Slack Connect channel that another workspace started: events from it carry that workspace in
   * their envelope's `team_id`, while `authorizations[0].team_id` stays the installation's workspace
   * (the one whose token the bot uses, and whose rate limits its calls draw on).
   */
  sharedFrom?: string;
}

/**
 * A natively streamed message. `expired` is Slack's broken state: the stream ended by itself (its
 * lifetime or an idle gap) and the message keeps its still-streaming look until chat.update replaces it.
 */
export interface StreamState {
  state: 'streaming' | 'completed' | 'expired' | 'stopped_by_user';
  startedAt: number;
  lastWriteAt: number;
  /** Fixed by the call that opened the stream: `chunks`, or `text` (markdown_text or no content). */
  mode: 'text' | 'chunks';
  recipientUserId?: string;
  recipientTeamId?: string;
  markdown: string;
  tasks: Map<string, { title: string; status: string; output?: string }>;
  /** task_display_mode: `timeline` (each task with its text) or `plan`. */
  display?: string;
  /** Who pressed Slack's own stop on the stream. */
  stoppedBy?: string;
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
  stream?: StreamState;
  /** Files shared with this message (files.completeUploadExternal). */
  files?: UploadedFile[];
  /** Message metadata the app attached (chat.postMessage `metadata`). */
  metadata?: MessageMetadata;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
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
  /** The JSON body the fake answered with (for contract tests). */
  response?: Record<string, unknown>;
}

export interface Ephemeral {
  channel: string;
  user?: string;
  text: string;
  blocks?: unknown[];
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  threadTs?: string;
}

/** What chat.postEphemeral hands to the store: an ephemeral for one person (the store adds `via`). */
export type EphemeralPost = Omit<Ephemeral, 'via' | 'user'> & { user: string };

export interface FakeSlackOptions {
  teamId?: string;
  botToken?: string;
  /** App-level token accepted by apps.connections.open (Socket Mode). */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  /** Scopes granted to the bot token; chat:write.public lets it post in public channels it has not joined. */
  scopes?: string[];
  /** Enforce per-method rate limits (Slack's published tiers per workspace; chat.postMessage 1/s per channel). */
  enforceRateLimits?: boolean;
  /**
   * chat.postMessage's workspace-wide cap, if stricter than Slack's (300 a minute): a test can reach a
   * lower cap with far fewer posts and in far less time. Refused if it could let more through in a minute.
   */
  postWorkspaceCap?: PostWorkspaceCap;
  /** Deliver the bot's own posts back to it as message events, as Slack does. */
  echoBotMessages?: boolean;
  /** How long a native stream stays writable after it starts (Slack: about 5 minutes). */
  streamLifetimeMs?: number;
  /** A native stream also ends when nothing was written to it for this long (Slack: a few minutes). */
  streamIdleMs?: number;
  /**
   * Over HTTP, Slack redelivers an event it did not get a 2xx for within 3 s (retry 1 at once, then
   * ~1 and ~5 minutes later). The delays here are the test's; 0 disables redelivery.
   */
  eventRetryDelaysMs?: number[];
  /**
   * The events the app subscribes to (manifest `bot_events`). Unset: every event is delivered. Set:
   * agent_session_stopped, app_home_opened and assistant_thread_started reach the app only when listed.
   */
  botEvents?: string[];
  /** False: an older workspace, or an app not declared as an agent (agents.* answer unknown_method). */
  agentSessions?: boolean;
  /** False: the app uses the legacy assistant view rather than `agent_view`. */
  agentView?: boolean;
}

export interface AppTarget {
  url: string;
  signingSecret: string;
}

export interface FakeUser {
  id: string;
  name: string;
  /** A deactivated account: users.info still finds it, with `deleted: true`. */
  deleted?: boolean;
}
