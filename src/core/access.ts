/**
 * Who may do what, decided for the person acting on every path: a slash command, a mention or
 * direct message, a follow-up in someone else's thread, a Retry or a Stop click.
 *
 * - Channels: an optional allow-list (`ALLOWED_CHANNELS`).
 * - Commands: optional allow-lists of users / user groups per slash command, or per subcommand
 *   (`/fis run=…` is more specific than `/fis=…`). Nothing configured means open; once a list is
 *   configured, anyone not on it is refused.
 * - Skills follow the commands: a skill is available to a person when they may run a command that
 *   uses it, so a mention or a follow-up can never reach a skill its asker could not run directly.
 * - Admins (`BOT_ADMINS`) may additionally Retry and Stop other people's runs.
 */
import { ROUTES } from './commands.ts';
import type { SkillName } from './skills.ts';
import { channelLink, mention } from './slack-escape.ts';

export interface GroupMembership {
  /** True when the user is one of `ids` (user ids) or a member of one of them (user group ids). */
  isMember(userId: string, ids: readonly string[]): Promise<boolean>;
}

export interface AccessSettings {
  channels: string[];
  /** Keys are `/command` or `/command sub`. */
  commands: Record<string, string[]>;
  /** May Retry and Stop anyone's run in the channels the bot works in. */
  admins?: string[];
}

/** A command, or a command and its subcommand. */
export interface RouteRef {
  command: string;
  sub?: string;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AccessDecision = { allowed: true };

/** The route that runs FIS experiments (and so the one that may be offered the approval tool). */
export const EXECUTE_ROUTE_ID = 'fis-run';

export class AccessPolicy {
  constructor(
    private readonly s: AccessSettings,
    private readonly groups: GroupMembership,
  ) {}

  channel(channel: string): AccessDecision {
    if (this.s.channels.length === 0 || this.s.channels.includes(channel)) return ALLOWED;
    return {
      allowed: false,
      reason: `I’m not enabled in this conversation. Use me in ${this.s.channels.map(channelLink).join(', ')}, or ask an admin to add it to ALLOWED_CHANNELS.`,
    };
  }

  /** A slash command as typed: the channel, then the most specific list for the route it selects. */
  async command(command: string, channel: string, user: string, route?: RouteRef): Promise<AccessDecision> {
    const where = this.channel(channel);
    if (!where.allowed) return where;
    return this.route(route ?? { command }, user);
  }

  /** May `user` run this route (ignoring the channel)? */
  async route(route: RouteRef, user: string): Promise<AccessDecision> {
    const [label, allowed] = this.listFor(route);
    if (!allowed || allowed.length === 0) return ALLOWED;
    if (await this.groups.isMember(user, allowed)) return ALLOWED;
    return {
      allowed: false,
      reason: `\`${label}\` is limited to ${allowed.map(mention).join(', ')}. Ask one of them, or an admin, if you need it.`,
    };
  }

  /** May `user` run the route with this id? Unknown ids are refused. */
  async routeId(routeId: string, user: string): Promise<AccessDecision> {
    const route = ROUTES.find((r) => r.id === routeId);
    if (!route) return { allowed: false, reason: `This thread’s kind of run (${routeId}) is unknown.` };
    return this.route(route, user);
  }

  /** The subset of `skills` that `user` may use: those of a route they may run. */
  async skillsFor(user: string, skills: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const skill of skills) {
      const routes = ROUTES.filter((r) => r.skill === (skill as SkillName));
      for (const r of routes) {
        if ((await this.route(r, user)).allowed) {
          out.push(skill);
          break;
        }
      }
    }
    return out;
  }

  async isAdmin(user: string): Promise<boolean> {
    const admins = this.s.admins ?? [];
    return admins.length > 0 && (await this.groups.isMember(user, admins));
  }

  /** Admins as Slack mentions, for refusals ("ask … "). */
  adminsText(): string | undefined {
    const admins = this.s.admins ?? [];
    return admins.length > 0 ? admins.map(mention).join(', ') : undefined;
  }

  private listFor(route: RouteRef): [string, string[] | undefined] {
    if (route.sub) {
      const specific = `${route.command} ${route.sub}`;
      const list = this.s.commands[specific];
      if (list && list.length > 0) return [specific, list];
    }
    return [route.command, this.s.commands[route.command]];
  }
}
