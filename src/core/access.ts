/**
 * Who may use the bot where: optional allow-lists of channels, and of users / user groups per slash
 * command. Nothing configured means open; once a list is configured, anything not on it is refused.
 */

export interface GroupMembership {
  /** True when the user is one of `ids` (user ids) or a member of one of them (user group ids). */
  isMember(userId: string, ids: readonly string[]): Promise<boolean>;
}

export interface AccessSettings {
  channels: string[];
  commands: Record<string, string[]>;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

export class AccessPolicy {
  constructor(
    private readonly s: AccessSettings,
    private readonly groups: GroupMembership,
  ) {}

  channel(channel: string): AccessDecision {
    if (this.s.channels.length === 0 || this.s.channels.includes(channel)) return { allowed: true };
    return {
      allowed: false,
      reason: `I’m not enabled in this conversation. Use me in ${this.s.channels.map((c) => `<#${c}>`).join(', ')}, or ask an admin to add it to ALLOWED_CHANNELS.`,
    };
  }

  async command(command: string, channel: string, user: string): Promise<AccessDecision> {
    const where = this.channel(channel);
    if (!where.allowed) return where;
    const allowed = this.s.commands[command];
    if (!allowed || allowed.length === 0) return { allowed: true };
    if (await this.groups.isMember(user, allowed)) return { allowed: true };
    return {
      allowed: false,
      reason: `\`${command}\` is limited to ${allowed.map(mention).join(', ')}. Ask one of them, or an admin, if you need it.`,
    };
  }
}

function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}
