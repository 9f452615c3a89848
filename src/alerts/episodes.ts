/**
 * One alarm episode per alarm and channel: the first notification opens it (and gets the note), every
 * later notification of the same alarm within the episode window (flapping, OK again, ALARM again)
 * joins it and keeps it open. The store decides atomically, so replicas and Slack's redeliveries
 * agree on which notification opened the episode.
 */
import { createHash } from 'node:crypto';
import type { AlertFacts, AlertState } from './facts.ts';

export interface AlertEpisode {
  /** Derived from team, channel and alarm: the Investigate button carries only this. */
  id: string;
  teamId: string;
  channel: string;
  alarmKey: string;
  /** The notification that opened the episode: its thread holds the note and the investigation. */
  alertTs: string;
  noteTs?: string;
  /** The facts of the notification that opened the episode (what an investigation starts from). */
  facts: AlertFacts;
  /** The latest notification's state and time, and how many notifications the episode had. */
  state: AlertState;
  rawState: string;
  changes: number;
  openedAt: number;
  lastAt: number;
  /** The episode ends this long after its last notification (ALERT_EPISODE_MINUTES). */
  expiresAt: number;
}

export interface EpisodeStore {
  /**
   * Opens an episode for this alarm (when none is open) or adds the notification to the open one.
   * `opened` is true for exactly one caller per episode.
   */
  record(
    candidate: AlertEpisode,
    windowMs: number,
    now: number,
  ): Promise<{ opened: boolean; episode: AlertEpisode }>;
  get(id: string): Promise<AlertEpisode | undefined>;
  setNote(id: string, alertTs: string, noteTs: string): Promise<void>;
}

export function episodeId(teamId: string, channel: string, alarmKey: string): string {
  return createHash('sha256').update(`${teamId}|${channel}|${alarmKey}`).digest('hex').slice(0, 32);
}

export function newEpisode(
  teamId: string,
  channel: string,
  alertTs: string,
  facts: AlertFacts,
  windowMs: number,
  now: number,
): AlertEpisode {
  return {
    id: episodeId(teamId, channel, facts.alarmKey),
    teamId,
    channel,
    alarmKey: facts.alarmKey,
    alertTs,
    facts,
    state: facts.state,
    rawState: facts.rawState,
    changes: 1,
    openedAt: now,
    lastAt: now,
    expiresAt: now + windowMs,
  };
}
