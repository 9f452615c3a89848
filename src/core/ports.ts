/**
 * The small interfaces the core needs from the outside world. Adapters in src/adapters implement
 * them over Slack, the AgentCore SDK and DynamoDB; tests implement them directly.
 */
import type { AgentEvent } from './events.ts';

export interface HarnessInvocation {
  runtimeSessionId: string;
  /** Slack user who asked; passed as runtimeUserId. */
  userId: string;
  prompt: string;
  skillPaths: string[];
}

export interface HarnessPort {
  /** Streams one agent turn. Never throws: failures end the stream with a `failed` event. */
  invoke(invocation: HarnessInvocation, signal?: AbortSignal): AsyncIterable<AgentEvent>;
}

export interface ThreadKey {
  teamId: string;
  channel: string;
  threadTs: string;
}

export type SessionStatus = 'idle' | 'running';

export interface SessionRecord extends ThreadKey {
  runtimeSessionId: string;
  routeId: string;
  skill: string;
  /** Every skill path this thread's turns may load. */
  skillPaths: string[];
  requester: string;
  status: SessionStatus;
  /** While running: when the run's claim lapses if its owner dies without releasing it. */
  leaseExpiresAt?: number;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

export interface SessionStore {
  /** Creates the thread's session; false if one already exists. */
  create(record: SessionRecord): Promise<boolean>;
  get(key: ThreadKey): Promise<SessionRecord | undefined>;
  /** Marks the session running if it is idle (or its lease lapsed); false if another run holds it. */
  claim(key: ThreadKey, leaseMs: number): Promise<boolean>;
  /** Marks the session idle again and counts the finished turn. */
  release(key: ThreadKey): Promise<void>;
  /** Records that an idempotency key was seen; false if it was already recorded. */
  remember(key: string, ttlSeconds: number): Promise<boolean>;
}

/** A message as the bot wants it shown: Block Kit plus the plain-text fallback Slack requires. */
export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

export class SlackWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SlackWriteError';
  }
}

export interface SlackWriter {
  /** Posts a message (a thread reply when threadTs is set) and returns its ts. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** Adds the bot to a public channel. */
  join(channel: string): Promise<void>;
}
