/**
 * What one turn may use, decided for the person whose message the turn answers: the skills they may
 * run, and the approval tool only for someone who may run `/fis run`. The same decision serves every
 * path (command, mention, DM, follow-up, queued follow-up, Retry), so no path reaches a skill or the
 * experiment flow its asker could not start with a command.
 */
import { type AccessPolicy, EXECUTE_ROUTE_ID } from './access.ts';
import { ROUTES } from './commands.ts';
import type { SessionRecord } from './ports.ts';
import { SKILLS, skillPath } from './skills.ts';
import { mention } from './slack-escape.ts';

export type TurnGrant =
  | {
      allowed: true;
      skillPaths: string[];
      /** The approval tool is offered on this turn. */
      approvals: boolean;
      /** Said in the thread before the turn (e.g. why the agent cannot request an approval). */
      note?: string;
    }
  | { allowed: false; reason: string };

export interface GrantContext {
  access: AccessPolicy;
  /** FIS approvals are enabled (a gate exists). */
  gate: boolean;
  skillsBasePath: string;
}

/** The route ids whose threads may be offered the approval tool, and when. */
function approvalRoute(session: SessionRecord, followUp: boolean): boolean {
  return session.routeId === EXECUTE_ROUTE_ID || (session.routeId === 'fis-prepare' && followUp);
}

export async function grantTurn(
  c: GrantContext,
  session: SessionRecord,
  user: string,
  followUp: boolean,
): Promise<TurnGrant> {
  const where = c.access.channel(session.channel);
  if (!where.allowed) return where;
  let skillPaths: string[];
  const route = ROUTES.find((r) => r.id === session.routeId);
  if (route) {
    // A command's thread: continuing it is running that command again.
    const d = await c.access.route(route, user);
    if (!d.allowed) {
      return { allowed: false, reason: `${mention(user)} This thread runs \`${route.usage}\`. ${d.reason}` };
    }
    skillPaths = session.skillPaths;
  } else {
    const names = session.skillPaths.map((p) => p.split('/').filter(Boolean).pop() ?? p);
    const allowed = new Set(await c.access.skillsFor(user, names));
    skillPaths = session.skillPaths.filter((_, i) => allowed.has(names[i]!));
    if (skillPaths.length === 0) {
      return {
        allowed: false,
        reason: `${mention(user)} The agent’s skills are limited to people who may run the matching commands, and you may run none of them here. Ask an admin if you need access.`,
      };
    }
  }
  if (!c.gate || !approvalRoute(session, followUp)) return { allowed: true, skillPaths, approvals: false };
  const fis = await c.access.routeId(EXECUTE_ROUTE_ID, user);
  if (!fis.allowed) {
    return {
      allowed: true,
      skillPaths,
      approvals: false,
      note: `${mention(user)} You may not run FIS experiments, so the agent cannot request an approval in this turn. ${fis.reason}`,
    };
  }
  return {
    allowed: true,
    skillPaths: [...new Set([...skillPaths, skillPath(c.skillsBasePath, SKILLS.fisExecute)])],
    approvals: true,
  };
}

/**
 * A resumed turn (after an inline call) continues the invocation that was granted when it started:
 * the harness must be offered the same tools to accept their results.
 */
export function resumeGrant(c: GrantContext, session: SessionRecord): TurnGrant {
  const approvals = c.gate && approvalRoute(session, true);
  return {
    allowed: true,
    skillPaths: approvals
      ? [...new Set([...session.skillPaths, skillPath(c.skillsBasePath, SKILLS.fisExecute)])]
      : session.skillPaths,
    approvals,
  };
}
