/** What a ReplyStream is given (reply-stream.ts) and how a run ended, which the turn, metrics and footer share. */
import type { Usage } from './events.ts';
import type { Explanation } from './explain.ts';
import type { Logger } from './logger.ts';
import type { SlackWriter } from './ports.ts';
import type { StreamBalance } from './reply-stream-native-balance.ts';
import type { Presenter } from './reply-view.ts';

export interface ReplyStreamOptions {
  writer: SlackWriter;
  presenter: Presenter;
  channel: string;
  threadTs: string;
  editIntervalMs: number;
  bodyBudget: number;
  log: Logger;
  now?: () => number;
  /** How often the elapsed-time line refreshes while nothing else changes. */
  heartbeatMs?: number;
  /** Shows a Stop button (with this value) while the run is live. */
  stopValue?: string;
  /** A final answer carries feedback buttons with this value. */
  feedbackValue?: string;
  /** The workspace (its Slack budget) and a unique id of this reply, for a scheduling writer. */
  team?: string;
  runKey?: string;
  /** `native`: chat.*Stream when the writer supports it (needs recipientUserId and team). */
  mode?: 'edit' | 'native';
  recipientUserId?: string;
  /** Native mode: start a new streamed message after this long (Slack ends streams after ~5 min). */
  streamRolloverMs?: number;
  /** Native mode: UTF-8 bytes of Markdown one streamed message may hold. */
  streamMaxBytes?: number;
  /**
   * Native mode: the workspace's runs split between streams and edits so both budgets carry text
   * (reply-stream-native-balance.ts); without it every run streams when a start is available.
   */
  balance?: StreamBalance;
  /** Native mode: a person pressed Slack's own stop on the stream (stop the run as with the Stop button). */
  onStoppedInSlack?: () => void;
  /**
   * At most this much of the answer is posted (about MAX_ANSWER_REPLIES replies); the rest is not
   * turned into more continuation replies; the caller attaches the complete answer as a file.
   */
  maxShownChars?: number;
  /**
   * Edit mode under load: text whose edit waits too long spills into new plain replies
   * (reply-spill.ts; on by default, needs a scheduling writer). Tests may set the thresholds.
   */
  spill?: { afterMs?: number; gapMs?: number } | false;
}

export interface FinalState {
  outcome: 'done' | 'warning' | 'failed' | 'stopped' | 'paused' | 'not_started';
  /** not_started: the approval decision that stopped the experiment (denied, expired, …). */
  decision?: string;
  usage?: Usage;
  notice?: Explanation;
  /** Estimated cost of the turn's tokens. */
  cost?: { usd: number; model: string };
}
