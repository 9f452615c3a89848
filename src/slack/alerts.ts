/**
 * The alert surface: other apps' messages are read only to recognise alarm notifications (never as
 * conversation input, and never the bot's own). The first notification of an alarm episode gets a note
 * with an Investigate button in its thread (or, in channels configured for it, an investigation at
 * once); later notifications of the same alarm update that note, or are said in the investigation's
 * thread and told to the agent while it works. The click starts a read-only run for the clicker.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AlertEpisode, EpisodeStore } from '../alerts/episodes.ts';
import { episodeId, newEpisode } from '../alerts/episodes.ts';
import type { AlertFacts } from '../alerts/facts.ts';
import { type Investigation, investigationFor } from '../alerts/investigation.ts';
import { recognizeAlert } from '../alerts/recognize.ts';
import type { SlackMessageEvent } from '../alerts/slack-message.ts';
import type { AccessPolicy } from '../core/access.ts';
import { INVESTIGATE_COMMAND } from '../core/investigation-runs.ts';
import type { Logger } from '../core/logger.ts';
import type { SessionStore, SlackWriter, ThreadKey } from '../core/ports.ts';
import type { Presenter } from '../core/reply-view.ts';
import type { Runner } from '../core/runner.ts';
import { toSlack } from '../core/slack-escape.ts';
import { ACTION_INVESTIGATE, alertNote, stateChangeText } from './alert-note.ts';
import { SLACK_LIMITS } from './limits.ts';

export interface AlertSettings {
  enabled: boolean;
  /** Channels where an investigation starts at once, without a click. */
  autoChannels: string[];
  /** An episode ends this long after its alarm's last notification. */
  episodeMs: number;
  defaultRegion: string;
  /** Bound of the thread's follow-up queue (the agent is told of state changes through it). */
  maxQueue: number;
}

export interface AlertDeps {
  runner: Runner;
  store: SessionStore;
  episodes: EpisodeStore;
  writer: SlackWriter;
  presenter: Presenter;
  access: AccessPolicy;
  log: Logger;
  settings: AlertSettings;
  now?: () => number;
}

/** The command whose access list (COMMAND_ACCESS=/investigate=…) also governs the Investigate button. */
export { INVESTIGATE_COMMAND };

export function register(app: App, deps: AlertDeps): void {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ component: 'alerts' });

  app.event('message', async ({ event, body, context }) => {
    const e = event as unknown as SlackMessageEvent;
    // People's messages are conversation (events.ts); only other apps' top-level posts can be alarms.
    if (!deps.settings.enabled || (!e.bot_id && e.subtype !== 'bot_message')) return;
    if (e.subtype && e.subtype !== 'bot_message') return;
    if (e.bot_id === context.botId || (e.user && e.user === context.botUserId)) return;
    if (e.thread_ts && e.thread_ts !== e.ts) return;
    void onMessage(e, body.team_id ?? '', context.botUserId ?? '').catch((err) =>
      log.error({ err, channel: e.channel, ts: e.ts }, 'alert handling failed'),
    );
  });

  async function onMessage(e: SlackMessageEvent, teamId: string, botUserId: string): Promise<void> {
    // Outside the allowed channels the bot does not act, and a notification has nobody to tell.
    if (!deps.access.channel(e.channel).allowed) return;
    const facts = recognizeAlert(e);
    if (!facts) return;
    if (!(await deps.store.remember(`alert-message:${e.channel}:${e.ts}`, SLACK_LIMITS.eventDedupSeconds)))
      return;
    const at = now();
    if (facts.state !== 'firing') {
      // OK, acknowledged, no data: only news for an episode that is open.
      const open = await deps.episodes.get(episodeId(teamId, e.channel, facts.alarmKey));
      if (!open || open.expiresAt < at) return;
    }
    const candidate = newEpisode(teamId, e.channel, e.ts, facts, deps.settings.episodeMs, at);
    const { opened, episode } = await deps.episodes.record(candidate, deps.settings.episodeMs, at);
    log.info(
      { channel: e.channel, alarm: facts.alarmKey, source: facts.source, state: facts.state, opened },
      'alarm notification',
    );
    if (!opened) return laterNotification(episode, facts, e.ts, at);
    const inv = investigationFor(facts, deps.settings.defaultRegion, at);
    if (
      deps.settings.autoChannels.includes(e.channel) &&
      facts.confidence === 'verified' &&
      facts.state === 'firing'
    ) {
      const result = await start(
        episode,
        inv,
        botUserId,
        async (text) => log.info({ text }, 'automatic investigation not started'),
        async () => {
          const root = deps.presenter.root({
            title: inv.title,
            requester: botUserId,
            skill: inv.skills.join(' + '),
            details: [...inv.details, ['Started', 'automatically (channel setting)']],
          });
          await deps.writer.post(e.channel, root, e.ts);
        },
      );
      // Refused (the access lists) or restarting: the alarm still gets its note, nothing is lost.
      if (result === 'started' || result === 'already_running') return;
    }
    const noteTs = await deps.writer.post(e.channel, alertNote(episode, inv), e.ts);
    await deps.episodes.setNote(episode.id, episode.alertTs, noteTs);
  }

  async function laterNotification(ep: AlertEpisode, facts: AlertFacts, ts: string, at: number) {
    const key: ThreadKey = { teamId: ep.teamId, channel: ep.channel, threadTs: ep.alertTs };
    const session = await deps.store.get(key);
    if (!session) {
      // No investigation yet: the note shows the latest state instead of a new note per flap.
      if (ep.noteTs) {
        const inv = investigationFor(ep.facts, deps.settings.defaultRegion, at);
        await deps.writer.update(ep.channel, ep.noteTs, alertNote(ep, inv));
      }
      return;
    }
    let told = false;
    if (session.status === 'running') {
      const update =
        `Update from the alarm's notifications (not from a person): the alarm "${facts.name}" is now ${facts.rawState}` +
        `${facts.changedAt ? ` as of ${facts.changedAt}` : ''}${facts.reason ? `. Reason: ${facts.reason.slice(0, 500)}` : ''}. ` +
        'Take it into account, and say briefly whether it changes your conclusion.';
      told =
        (await deps.store.enqueue(
          key,
          { user: session.requester, text: update, ts },
          deps.settings.maxQueue,
        )) === 'queued';
    }
    await deps.writer.post(
      ep.channel,
      deps.presenter.note(stateChangeText(facts.name, facts.state, facts.rawState, at, told)),
      ep.alertTs,
    );
  }

  function start(
    ep: AlertEpisode,
    inv: Investigation,
    userId: string,
    tell: (text: string) => Promise<void>,
    showRoot: () => Promise<void>,
  ) {
    return deps.runner.startInvestigation({
      teamId: ep.teamId,
      channel: ep.channel,
      threadTs: ep.alertTs,
      userId,
      skills: inv.skills,
      prompt: inv.prompt,
      showRoot,
      tell,
    });
  }

  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: ACTION_INVESTIGATE },
    async ({ ack, body, action, respond }) => {
      await ack();
      const tell = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: toSlack(text) }).catch(
          (err) => log.warn({ err }, 'could not answer an Investigate click'),
        );
      };
      const channel = body.container?.channel_id ?? body.channel?.id;
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      const user = body.user.id;
      void (async () => {
        const ep = action.value ? await deps.episodes.get(action.value) : undefined;
        // The button names an episode; it must be the note this click came from (a click that beats
        // the note's recording is known by the thread it sits in: the episode's alert).
        const fromNote =
          ep?.noteTs === messageTs || (ep?.noteTs === undefined && body.message?.thread_ts === ep?.alertTs);
        if (!ep || ep.channel !== channel || !messageTs || !fromNote) {
          return tell(
            'This button does not belong to an alarm note I know (it may be from an older notification). Nothing was started.',
          );
        }
        const access = await deps.access.command(INVESTIGATE_COMMAND, ep.channel, user);
        if (!access.allowed) return tell(access.reason);
        const inv = investigationFor(ep.facts, deps.settings.defaultRegion, now());
        log.info({ channel, user, alarm: ep.alarmKey }, 'Investigate clicked');
        await start(ep, inv, user, tell, async () => {
          const root = deps.presenter.root({
            title: inv.title,
            requester: user,
            skill: inv.skills.join(' + '),
            details: inv.details,
          });
          await deps.writer.update(ep.channel, messageTs, root);
        });
      })().catch((err) => {
        log.error({ err }, 'Investigate click failed');
        return tell('Something went wrong handling that click. Nothing was started; try again.');
      });
    },
  );
}
