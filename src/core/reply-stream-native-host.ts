/**
 * What the native streamer (reply-stream-native.ts) needs from the reply that owns it, and the
 * ways it tells that reply to stop streaming: a person pressed Slack's stop, or Slack's stream
 * budget cannot serve a new stream now. Kept apart so the reply (reply-stream.ts) depends on these
 * contracts, not on the streamer's internals.
 */
import type { Logger } from './logger.ts';
import { type SlackMessage, SlackWriteError, type SlackWriter, type WriteOptions } from './ports.ts';

export interface NativeHost {
  writer: SlackWriter;
  channel: string;
  threadTs: string;
  recipientUserId: string;
  team: string;
  log: Logger;
  now: () => number;
  /** Start a new streamed message after this long (Slack ends streams after ~5 min). */
  rolloverMs: number;
  /** UTF-8 bytes of Markdown one streamed message may hold. */
  maxBytes: number;
  /** Everything the agent wrote so far. */
  text: () => string;
  /**
   * True when the text will not grow before something else happens (a tool call started, the reply
   * is finishing): its last word is complete and may be sent.
   */
  settled: () => boolean;
  opts: (lane: 'critical' | 'progress') => WriteOptions;
  /** Each streamed message as it is opened. */
  started: (ts: string) => void;
  /** Renders a repaired message: its Markdown, and the footer when it is the last one. */
  repaired: (body: string, last: boolean) => SlackMessage;
  /**
   * How long this run would wait between edits if it left streaming now (0: unknown). A full stream
   * waits less than this for the next stream start rather than the reply going on with edits.
   */
  editCadenceMs?: () => number;
}

/** A person stopped the stream with Slack's own stop button. */
export class StoppedInSlack extends Error {
  constructor() {
    super('the stream was stopped in Slack');
    this.name = 'StoppedInSlack';
  }
}

/**
 * A new stream would wait for chat.startStream's budget (Tier 2, ~20 per minute per workspace, shared
 * by every run): the reply goes on with posts and edits, which have budgets of their own, rather than
 * showing nothing until a stream can start.
 */
export class StreamStartsScarce extends Error {
  constructor(readonly waitMs: number) {
    super(`a new stream would wait ${Math.round(waitMs)} ms for chat.startStream's budget`);
    this.name = 'StreamStartsScarce';
  }
}

/**
 * A full stream's continuation would wait `waitMs` for chat.startStream's budget, less than
 * this run would wait between edits if it left streaming: the reply keeps streaming and tries again
 * then (the text written meanwhile goes out with the new stream's opening call).
 */
export class StreamStartLater extends Error {
  constructor(readonly waitMs: number) {
    super(`the next stream starts in ${Math.round(waitMs)} ms`);
    this.name = 'StreamStartLater';
  }
}

/**
 * Longest wait for a stream start that still counts as available: the first text of a reply is due
 * within 300 ms of the agent writing it, so a start that cannot go out by then is not waited for.
 */
export const START_WAIT_MS = 300;

export function codeOf(err: unknown): string | undefined {
  return err instanceof SlackWriteError ? err.code : undefined;
}

/** Slack's `stopped_by_user` becomes StoppedInSlack; other errors pass unchanged. */
export function classify(err: unknown): unknown {
  return codeOf(err) === 'stopped_by_user' ? new StoppedInSlack() : err;
}

/**
 * Throws StreamStartsScarce when a new stream would wait for chat.startStream's budget longer than
 * the first text may wait, or StreamStartLater when it may wait (`patienceMs`) and should try then.
 */
export function assertStartable(h: NativeHost, patienceMs = 0): void {
  const wait = h.writer.budgetWaitMs?.('chat.startStream', h.team, h.channel) ?? 0;
  if (wait <= START_WAIT_MS) return;
  if (wait < patienceMs) throw new StreamStartLater(wait);
  throw new StreamStartsScarce(wait);
}
