/**
 * Slack's agent surfaces, inbound:
 * - `agent_session_stopped`: a person pressed Slack's own stop on a thread's agent session. It takes
 *   the Stop button's path (same permissions, any replica, "Stopped by @user"); when nothing is
 *   running the session is moved off `processing`, since Slack does not do that itself. Slack has
 *   already ended the app's live streams by then (`streaming_message_ts`): when the person may not
 *   stop the run, the thread is told what happened and the answer continues in a new message (the
 *   run's reply does that; it never takes a stream Slack ended as a stop by itself).
 * - `assistant_thread_started`: a person opened the agent view (their DM with the app): suggested
 *   prompts, one per read-only skill (Slack shows at most four).
 * - Feedback buttons on a final answer: stored per person per answer (the latest click counts).
 * Who acted always comes from Slack's signed payload.
 */
import type { App } from '@slack/bolt';
import type { Feedback, FeedbackStore } from '../core/feedback.ts';
import { parseFeedbackValue } from '../core/feedback.ts';
import type { Logger } from '../core/logger.ts';
import type { AgentSessionPort, SessionStore, SlackWriter, ThreadKey } from '../core/ports.ts';
import type { Presenter } from '../core/reply-view.ts';
import type { Runner } from '../core/runner.ts';
import { mention, toSlack } from '../core/slack-escape.ts';
import { ACTION_FEEDBACK } from './answer-extras.ts';

/** The agent view's suggested prompts (Slack shows at most four): one per read-only skill. */
export const SUGGESTED_PROMPTS = [
  {
    title: 'Assess an EKS cluster',
    message: 'Assess my EKS cluster my-cluster in us-west-2 against best practices.',
  },
  { title: 'Review an AWS service', message: 'Review my RDS database orders-db against AWS best practices.' },
  {
    title: 'How could this service fail?',
    message: 'What are the failure modes of Amazon SQS, and which FIS experiments would test them?',
  },
  {
    title: 'Why is this log group noisy?',
    message: 'Why is the log group /aws/lambda/checkout so noisy in the last hour?',
  },
] as const;

export interface AgentEventDeps {
  runner: Runner;
  store: SessionStore;
  log: Logger;
  agentSessions?: AgentSessionPort;
  feedback?: FeedbackStore;
  writer: SlackWriter;
  presenter: Presenter;
}

export function register(app: App, deps: AgentEventDeps): void {
  app.event('agent_session_stopped', async ({ event, body }) => {
    const e = event as unknown as {
      channel: string;
      thread_ts: string;
      user: string;
      streaming_message_ts?: string[] | string;
    };
    const m = e.streaming_message_ts;
    const streamsEnded = Array.isArray(m) ? m.length > 0 : !!m;
    const key: ThreadKey = {
      teamId: (body as { team_id?: string }).team_id ?? '',
      channel: e.channel,
      threadTs: e.thread_ts,
    };
    void (async () => {
      const stop = await deps.runner.requestStop(key, e.user);
      deps.log.info({ ...key, user: e.user, result: stop.result }, 'Slack stop button pressed');
      if (stop.result === 'refused') {
        const only = stop.only ?? 'You may not stop this run.';
        await app.client.chat
          .postEphemeral({
            channel: key.channel,
            user: e.user,
            thread_ts: key.threadTs,
            text: toSlack(
              streamsEnded
                ? `${only} Slack ended the live reply when you pressed its stop, but the run goes on and the answer continues in the thread.`
                : (stop.reason ?? only),
            ),
          })
          .catch((err) => deps.log.warn({ err }, 'could not answer a refused stop'));
        // Everyone in the thread saw the reply stop: say why it goes on.
        if (streamsEnded)
          await deps.writer
            .post(
              key.channel,
              deps.presenter.note(
                `:information_source: ${mention(e.user)} pressed Slack’s stop, which ended the live reply above. ${only} The run goes on; the answer continues below.`,
              ),
              key.threadTs,
            )
            .catch((err) => deps.log.warn({ err, ...key }, 'could not explain a refused stop in the thread'));
      } else if (stop.result === 'not_running') {
        await deps.agentSessions?.setStatus(key, 'active');
      }
      // 'stopping': the run's owner (this replica or another) ends it and moves the session to active.
    })().catch((err) => deps.log.error({ err, ...key }, 'handling agent_session_stopped failed'));
  });

  app.event('assistant_thread_started', async ({ event }) => {
    const t = (event as unknown as { assistant_thread: { channel_id: string } }).assistant_thread;
    // No thread_ts: for an app with `agent_view`, Slack silently ignores a call that has one.
    await app.client.assistant.threads
      .setSuggestedPrompts({
        channel_id: t.channel_id,
        title: 'Try one of these, or ask anything about your AWS environment (read-only)',
        prompts: SUGGESTED_PROMPTS.map((p) => ({ ...p })),
      })
      .catch((err) => deps.log.warn({ err }, 'could not set the suggested prompts'));
  });

  app.action({ action_id: ACTION_FEEDBACK }, async ({ ack, body, action }) => {
    await ack();
    const b = body as {
      user: { id: string };
      team?: { id: string };
      container?: { channel_id?: string; message_ts?: string };
    };
    const channel = b.container?.channel_id;
    const turnTs = b.container?.message_ts;
    const value = (action as { value?: string }).value;
    const parsed = channel && value ? parseFeedbackValue(value, channel) : undefined;
    if (!channel || !turnTs || !parsed || !deps.feedback) {
      deps.log.warn({ channel, value }, 'feedback click not attached to an answer I know; ignored');
      return;
    }
    const key: ThreadKey = { teamId: b.team?.id ?? '', channel, threadTs: parsed.threadTs };
    try {
      const session = await deps.store.get(key);
      if (!session) return;
      const f: Feedback = {
        ...key,
        turnTs,
        skill: session.skill,
        routeId: session.routeId,
        runtimeSessionId: session.runtimeSessionId,
        user: b.user.id,
        verdict: parsed.verdict,
        at: Date.now(),
      };
      const r = await deps.feedback.record(f);
      deps.log.info({ ...key, turnTs, skill: f.skill, verdict: f.verdict, result: r }, 'answer feedback');
    } catch (err) {
      deps.log.error({ err, ...key }, 'could not store answer feedback');
      await app.client.chat
        .postEphemeral({
          channel,
          user: b.user.id,
          thread_ts: parsed.threadTs,
          text: 'Your feedback on this answer could not be saved (the bot’s store did not answer). Click the button again in a minute.',
        })
        .catch(() => undefined);
    }
  });
}
