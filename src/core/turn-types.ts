/**
 * What the turn engine is given: its settings, its dependencies and one turn's input.
 * (Split out of turns.ts so the engine's parts can share them without importing each other.)
 */
import type { AccessPolicy } from './access.ts';
import type { ApprovalGate } from './approval-gate.ts';
import type { PriceTable } from './cost.ts';
import type { Logger } from './logger.ts';
import type { MetricsPort } from './metrics.ts';
import type {
  AgentSessionPort,
  HarnessPort,
  SessionRecord,
  SessionShell,
  SessionStore,
  SlackWriter,
  ThreadKey,
  ToolResultInput,
} from './ports.ts';
import type { Presenter } from './reply-view.ts';

export interface TurnSettings {
  skillsBasePath: string;
  editIntervalMs: number;
  bodyBudget: number;
  leaseMs: number;
  /** A harness session idle longer than this is assumed recycled (0: never assume). */
  sessionIdleMs: number;
  /** Turns kept for rebuilding context. */
  turnLogSize: number;
  /** `native`: chat.*Stream (falls back to edits on any streaming error). Default `edit`. */
  streamMode?: 'edit' | 'native';
  streamRolloverMs?: number;
  /** Edit mode: spill a congested run's text into new replies (default on). */
  spillReplies?: boolean;
  /** Native mode: UTF-8 bytes of Markdown one streamed message may hold. */
  streamMaxBytes?: number;
  /** Answers at least this long are also uploaded as a Markdown file (0 or unset: never). */
  longAnswerFileChars?: number;
  /** At most this many replies of answer text are posted; a longer answer is attached as a file. */
  maxAnswerReplies?: number;
  /** Shell glob of report files the agent writes in its session, attached after each turn. */
  reportFiles?: string;
  /** Price table for the cost estimate in the footer. */
  prices?: PriceTable;
}

export interface TurnDeps {
  gate?: ApprovalGate;
  harness: HarnessPort;
  writer: SlackWriter;
  presenter: Presenter;
  store: SessionStore;
  log: Logger;
  settings: TurnSettings;
  /** Reads files the agent wrote in its session (report attachments); optional. */
  shell?: SessionShell;
  /** Who may use which skills and the approval tool, decided per turn for its asker. */
  access: AccessPolicy;
  owner: string;
  now: () => number;
  /** Slack's agent session of the thread (status, title, Slack's own stop); optional. */
  agentSessions?: AgentSessionPort;
  /** Closes the thread's agent session once its harness session idles out (see agent-session-close.ts). */
  agentClosing?: { idleFrom(key: ThreadKey): Promise<void> };
  /** Called when a thread's runs change (start, pause, end), e.g. to refresh an App Home. */
  onRunChange?: (session: SessionRecord) => void;
  /** Counts turns by outcome; optional (tests and local runs). */
  metrics?: MetricsPort;
}

export interface TurnInput {
  prompt?: string;
  resume?: { assistantMessage: unknown; toolResults: ToolResultInput[] };
  /**
   * The decision of the approval this turn resumes with (the approval tool's outcome: approved,
   * denied, expired, error, …). It alone can make the reply end "Experiment not started"; other
   * inline calls' results say nothing about an experiment.
   */
  approvalDecision?: string;
  /** True for every turn after the one the command started. */
  followUp?: boolean;
  /** The Slack message that asked (a queued follow-up), to clear its "queued" reaction. */
  messageTs?: string;
}

export function keyOf(s: ThreadKey): ThreadKey {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}
