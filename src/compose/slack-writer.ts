/**
 * The run's Slack writer: the Web API clients it writes through and the per-workspace scheduler that
 * paces them. Three clients, each told to hand a 429 straight back (rejectRateLimitedCalls) instead
 * of pausing its whole request queue, so the scheduler alone decides when to try again:
 * - critical (final edits, streams, uploads): a few retries of its own, spaced out;
 * - progress (intermediate edits): no retries (the next edit carries the latest text anyway) and a
 *   shorter timeout, so a slow edit does not hold up the next;
 * - posts: no retries, because a post is not idempotent; the writer looks for a post whose answer
 *   was lost before sending it again (slack-post-once.ts), and the completion of file uploads
 *   likewise (slack-upload-once.ts).
 * Those look-ups draw on the scheduler too (their own Tier 3 budgets), so a 429 on one is waited
 * out rather than ending the check with a repost.
 */
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { WebApiSlackWriter } from '../adapters/slack-writer.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import type { SlackWriter } from '../core/ports.ts';
import { retryAfterOf, ScheduledSlackWriter } from '../core/scheduled-writer.ts';
import { firstTextBudgets } from '../core/slack-budgets.ts';
import { READ_BUDGETS } from '../core/slack-read-budgets.ts';
import { type MethodBudget, SlackScheduler } from '../core/slack-scheduler.ts';
import type { BoltApp } from './bolt-app.ts';

/** One bot token is one workspace: every call draws on that workspace's budgets. */
const WORKSPACE = 'bot-token-workspace';

export type WriterLane = 'critical' | 'progress' | 'posts';

export interface SlackWriting {
  writer: SlackWriter;
  scheduler: SlackScheduler;
  /** A new client for one lane (Slack's agent surfaces use a critical one). */
  client(lane: WriterLane): WebClient;
}

export function buildSlackWriter(
  config: Config,
  log: Logger,
  bolt: Pick<BoltApp, 'app' | 'logger'>,
  replace?: (app: App) => SlackWriter,
  budgets?: Record<string, MethodBudget>,
): SlackWriting {
  const client = (lane: WriterLane) =>
    new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      logger: bolt.logger,
      rejectRateLimitedCalls: true,
      retryConfig:
        lane === 'critical'
          ? { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 10_000, randomize: true }
          : { retries: 0 },
      timeout:
        lane === 'progress' ? Math.min(10_000, config.slack.callTimeoutMs) : config.slack.callTimeoutMs,
    });
  const scheduler = new SlackScheduler({
    // The first-text credit depends on whether answers may spill into new replies (slack-budgets.ts);
    // budgets given by the caller win.
    budgets: { ...READ_BUDGETS, ...firstTextBudgets(config.streaming.spillReplies), ...budgets },
    retryAfterOf,
    onRateLimited: (key, retryAfter) =>
      log.warn(
        { method: key.method, channel: key.channel, retryAfter },
        'Slack rate limited a call; waiting',
      ),
  });
  const writer =
    replace?.(bolt.app) ??
    new ScheduledSlackWriter(
      new WebApiSlackWriter(client('critical'), client('progress'), {
        posts: client('posts'),
        reads: (method, channel, fn) =>
          scheduler.run({ workspace: WORKSPACE, method, channel, lane: 'critical', fn }),
        log: log.child({ component: 'slack-writer' }),
      }),
      scheduler,
      WORKSPACE,
    );
  return { writer, scheduler, client };
}
