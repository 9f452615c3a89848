/** The doctor's Slack questions, asked with @slack/web-api: one try each, no retries, no logging. */
import { LogLevel, WebClient } from '@slack/web-api';
import type { ChannelAccess, PrincipalLookup, SlackIdentity, SlackProbe } from './ports.ts';
import { SlackProbeError } from './ports.ts';

function errorOf(err: unknown): string {
  const e = err as { data?: { error?: string }; code?: string };
  return e.data?.error ?? e.code ?? 'error';
}

export class WebApiSlackProbe implements SlackProbe {
  private readonly client: WebClient;
  private readonly app: WebClient | undefined;

  constructor(o: { botToken: string; appToken?: string; apiUrl?: string }) {
    const options = {
      ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
      retryConfig: { retries: 0 },
      timeout: 10_000,
      logLevel: LogLevel.ERROR,
    };
    this.client = new WebClient(o.botToken, options);
    this.app = o.appToken ? new WebClient(o.appToken, options) : undefined;
  }

  async identity(): Promise<SlackIdentity> {
    try {
      const r = await this.client.auth.test();
      return {
        team: r.team ?? '',
        teamId: r.team_id ?? '',
        user: r.user ?? '',
        userId: r.user_id ?? '',
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        scopes: r.response_metadata?.scopes,
      };
    } catch (err) {
      throw new SlackProbeError(errorOf(err));
    }
  }

  async appToken(): Promise<'ok' | { error: string }> {
    if (!this.app) return { error: 'not_set' };
    try {
      await this.app.apps.connections.open();
      return 'ok';
    } catch (err) {
      return { error: errorOf(err) };
    }
  }

  async channel(id: string): Promise<ChannelAccess> {
    try {
      await this.client.conversations.history({ channel: id, limit: 1 });
      return 'member';
    } catch (err) {
      const e = errorOf(err);
      return e === 'not_in_channel' || e === 'channel_not_found' ? e : { error: e };
    }
  }

  async user(id: string): Promise<PrincipalLookup> {
    try {
      const r = await this.client.users.info({ user: id });
      return r.user?.deleted ? 'deactivated' : 'found';
    } catch (err) {
      const e = errorOf(err);
      return e === 'user_not_found' ? 'not_found' : { error: e };
    }
  }

  async userGroup(id: string): Promise<PrincipalLookup> {
    try {
      await this.client.usergroups.users.list({ usergroup: id });
      return 'found';
    } catch (err) {
      const e = errorOf(err);
      return e === 'no_such_subteam' ? 'not_found' : e === 'subteam_disabled' ? 'deactivated' : { error: e };
    }
  }
}
