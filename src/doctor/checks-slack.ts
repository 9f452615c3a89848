/**
 * Slack: the token, the scopes Slack reports granted against manifest.yml, the token of the chosen
 * mode, the bot's membership of ALLOWED_CHANNELS, and every user and user group id the settings name.
 */
import { type Check, fail, type Outcome, pass, skip, warn } from './check.ts';
import { type DoctorContext, once } from './context.ts';
import { type SlackIdentity, SlackProbeError } from './ports.ts';

const REJECTED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'account_inactive',
  'token_expired',
]);
const REINSTALL = 'OAuth & Permissions → Reinstall to Workspace at https://api.slack.com/apps';

function identity(ctx: DoctorContext): Promise<SlackIdentity> {
  return once(ctx, 'slack.identity', () => ctx.slack.identity());
}

/** auth.test's failure as the same words the startup self-check has always used. */
function tokenProblem(err: unknown, ctx: DoctorContext): Outcome {
  const code =
    err instanceof SlackProbeError
      ? err.code
      : ((err as { data?: { error?: string }; code?: string }).data?.error ??
        (err as { code?: string }).code);
  if (code && REJECTED.has(code))
    return fail(
      `Slack rejected SLACK_BOT_TOKEN (${code})`,
      'copy the Bot User OAuth Token again from OAuth & Permissions.',
    );
  const to = ctx.config.slack.apiUrl ? ` to ${ctx.config.slack.apiUrl}` : '';
  return fail(`Slack could not be reached for auth.test (${code ?? 'error'})`, `check network access${to}.`);
}

export const slackToken: Check<DoctorContext> = {
  id: 'slack.token',
  title: 'SLACK_BOT_TOKEN is a valid bot token (auth.test)',
  quick: true,
  async run(ctx) {
    let me: SlackIdentity;
    try {
      me = await identity(ctx);
    } catch (err) {
      return tokenProblem(err, ctx);
    }
    if (!me.botId)
      return fail(
        `SLACK_BOT_TOKEN belongs to user ${me.user} (${me.userId}), not to a bot`,
        'use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.',
      );
    return pass(`bot @${me.user} (${me.userId}) in ${me.team} (${me.teamId})`);
  },
};

export const slackScopes: Check<DoctorContext> = {
  id: 'slack.scopes',
  title: 'the token has every bot scope manifest.yml asks for (x-oauth-scopes)',
  async run(ctx) {
    const me = await identity(ctx).catch(() => undefined);
    if (!me) return skip('no valid token (see slack.token)');
    const wanted = ctx.manifestScopes;
    if (!wanted) return skip('manifest.yml not found next to the bot');
    if (!me.scopes) return warn('Slack did not report the granted scopes', `check them at ${REINSTALL}`);
    const granted = new Set(me.scopes);
    const missing = wanted.filter((s) => !granted.has(s));
    const extra = me.scopes.filter((s) => !wanted.includes(s));
    if (missing.length > 0)
      return fail(
        `the token lacks ${missing.join(', ')} (manifest.yml asks for them)`,
        `add ${missing.map((s) => `"${s}"`).join(', ')} under oauth_config.scopes.bot (as manifest.yml does), then ${REINSTALL}`,
      );
    if (extra.length > 0)
      return warn(
        `all ${wanted.length} scopes granted, plus ${extra.join(', ')} that manifest.yml does not ask for`,
        `remove ${extra.join(', ')} from the app's bot scopes (least privilege), then ${REINSTALL}`,
      );
    return pass(`all ${wanted.length} scopes manifest.yml asks for are granted`);
  },
};

export const slackMode: Check<DoctorContext> = {
  id: 'slack.mode',
  title: 'the token of the chosen mode is present and accepted (Socket Mode app token / HTTP signing secret)',
  async run(ctx) {
    const mode = ctx.config.slack.mode;
    if (mode.kind === 'http')
      return pass(
        'HTTP mode: SLACK_SIGNING_SECRET is set (every request is verified; request URLs must be https://<host>/slack/events)',
      );
    const r = await ctx.slack.appToken();
    if (r === 'ok') return pass('Socket Mode: SLACK_APP_TOKEN opens a connection (apps.connections.open)');
    // The client's own codes (slack_webapi_…) mean Slack was not reached, not that it refused the token.
    if (r.error.startsWith('slack_webapi_') || r.error.startsWith('slack_'))
      return fail(
        `Slack could not be reached for apps.connections.open (${r.error})`,
        `check network access${ctx.config.slack.apiUrl ? ` to ${ctx.config.slack.apiUrl}` : ''}.`,
      );
    return fail(
      `Socket Mode: Slack refused SLACK_APP_TOKEN (${r.error})`,
      'create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN to it; or set SLACK_SIGNING_SECRET instead of SLACK_APP_TOKEN for HTTP mode.',
    );
  },
};

export const slackChannels: Check<DoctorContext> = {
  id: 'slack.channels',
  title: 'the bot is a member of every ALLOWED_CHANNELS channel',
  async run(ctx) {
    const channels = ctx.config.access.channels;
    if (channels.length === 0) return skip('ALLOWED_CHANNELS is not set: the bot works in any channel');
    const me = await identity(ctx).catch(() => undefined);
    const invite = `/invite @${me?.user ?? 'the bot'}`;
    const out: Outcome[] = [];
    for (const id of channels) {
      const r = await ctx.slack.channel(id);
      if (r === 'member') out.push(pass('the bot is a member', id));
      else if (r === 'not_in_channel')
        out.push(
          warn(
            'public channel the bot has not joined: it joins on the first command there, but hears no thread replies before',
            `type ${invite} in <#${id}>`,
            id,
          ),
        );
      else if (r === 'channel_not_found')
        out.push(
          fail(
            'no such channel, or a private channel the bot was not invited to',
            `type ${invite} in the channel, or correct the id in ALLOWED_CHANNELS`,
            id,
          ),
        );
      else
        out.push(
          fail(`Slack answered ${r.error}`, `see https://api.slack.com/methods/conversations.history`, id),
        );
    }
    return out;
  },
};

/** Each id resolves: users (U…/W…) with users.info, user groups (S…) with usergroups.users.list. */
async function resolveIds(
  ctx: DoctorContext,
  ids: Array<{ id: string; setting: string }>,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const { id, setting } of ids) {
    const group = id.startsWith('S');
    const r = group ? await ctx.slack.userGroup(id) : await ctx.slack.user(id);
    const what = group ? 'user group' : 'user';
    if (r === 'found') out.push(pass(`${what} found (${setting})`, id));
    else if (r === 'deactivated')
      out.push(
        fail(`${what} is deactivated (${setting})`, `remove ${id} from ${setting} or name an active one`, id),
      );
    else if (r === 'not_found')
      out.push(
        fail(
          `no such ${what} in this workspace (${setting})`,
          `correct ${id} in ${setting}: copy the id from the ${group ? 'user group' : "person's profile → ⋮ → Copy member ID"}`,
          id,
        ),
      );
    else if (r.error === 'missing_scope')
      out.push(
        fail(
          `cannot look it up: missing_scope (${setting})`,
          `add usergroups:read to the bot scopes, then ${REINSTALL}`,
          id,
        ),
      );
    else out.push(fail(`Slack answered ${r.error} (${setting})`, `check ${id} in ${setting}`, id));
  }
  return out;
}

export const slackApprovers: Check<DoctorContext> = {
  id: 'slack.approvers',
  title: 'every FIS_APPROVERS id is a real user or user group',
  async run(ctx) {
    const ids = ctx.config.approvals.approvers;
    if (ids.length === 0)
      return warn(
        'FIS_APPROVERS is not set: /fis run refuses every request',
        'set FIS_APPROVERS to the user ids (U…) and user group ids (S…) who may approve experiments',
      );
    return resolveIds(
      ctx,
      ids.map((id) => ({ id, setting: 'FIS_APPROVERS' })),
    );
  },
};

export const slackAccessLists: Check<DoctorContext> = {
  id: 'slack.access',
  title: 'every COMMAND_ACCESS and BOT_ADMINS id is a real user or user group',
  async run(ctx) {
    const ids = [
      ...Object.entries(ctx.config.access.commands).flatMap(([cmd, list]) =>
        list.map((id) => ({ id, setting: `COMMAND_ACCESS ${cmd}` })),
      ),
      ...ctx.config.access.admins.map((id) => ({ id, setting: 'BOT_ADMINS' })),
    ];
    if (ids.length === 0) return skip('COMMAND_ACCESS and BOT_ADMINS are not set: every command is open');
    return resolveIds(ctx, ids);
  },
};

export const SLACK_CHECKS = [
  slackToken,
  slackScopes,
  slackMode,
  slackChannels,
  slackApprovers,
  slackAccessLists,
];
