/**
 * What one thread reply should show, independent of Block Kit. The core decides the content;
 * src/slack/blocks.ts decides how it looks.
 */
import type { Usage } from './events.ts';
import type { Explanation } from './explain.ts';
import type { SlackMessage } from './ports.ts';

export interface ActivityLine {
  label: string;
  state: 'running' | 'done' | 'failed';
  /** While running: for how long, so the status line can say it. */
  elapsedMs?: number;
}

/** One tool call of a finished turn, for the step timeline. */
export interface StepLine {
  label: string;
  state: 'running' | 'done' | 'failed';
  /** How long it ran (until the turn ended, for one that never finished). */
  ms: number;
}

export interface ReplyView {
  /** The agent's Markdown for this message (may be empty). */
  body: string;
  /** While the run is going: elapsed time and recent tool activity. */
  live?: { elapsedMs: number; activity: ActivityLine[]; note?: string; stopValue?: string };
  /** On the last message when the run ends. */
  result?: {
    outcome: 'done' | 'warning' | 'failed' | 'stopped' | 'paused' | 'not_started';
    /** not_started: the approval decision (denied, expired, …). */
    decision?: string;
    elapsedMs: number;
    usage?: Usage;
    /** Estimated cost of the tokens (an estimate from a configured price table). */
    cost?: { usd: number; model: string };
    toolCalls: number;
    notice?: Explanation;
    /** Every tool call of the turn, in order (edit mode; native streams keep them as tasks). */
    steps?: StepLine[];
    /** A final answer: feedback buttons carrying this value. */
    feedbackValue?: string;
  };
  /** The answer continues in the next reply. */
  continued?: boolean;
  /**
   * The run's first reply after its text spilled into later replies under load (reply-spill.ts): it
   * keeps the status and Stop while the run goes on; the answer continues below it.
   */
  spilled?: boolean;
}

export interface RootView {
  title: string;
  requester: string;
  skill: string;
  region?: string;
  details: Array<[string, string]>;
}

export interface Presenter {
  reply(view: ReplyView): SlackMessage;
  root(view: RootView): SlackMessage;
  /** A short bot note in a thread (busy, not available, …). */
  note(text: string): SlackMessage;
  /** A run was interrupted (crash, restart): says so, with a Retry button carrying `retryValue`. */
  interrupted(why: string, retryValue: string): SlackMessage;
}
