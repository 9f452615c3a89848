/**
 * An investigation of an alarm: a read-only run in a thread that already exists (the alert's own
 * message), or under a root the command posted. Access is decided for the person who asked exactly as
 * for a mention: they get only the skills of commands they may run, and never the approval tool.
 */
import type { AccessPolicy } from './access.ts';
import { grantTurn } from './grants.ts';
import type { Logger } from './logger.ts';
import type { SessionRecord, SessionStore, ThreadKey } from './ports.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { SKILLS, type SkillName, skillPath } from './skills.ts';
import type { TurnInput } from './turns.ts';

/** The route id of investigation threads (not a command's: follow-ups are granted per person). */
export const INVESTIGATION_ROUTE_ID = 'alert-investigation';

/**
 * The command that starts investigations. HARNESSES may name it like a skill command: the command, an
 * Investigate click and an automatic start then all run on that harness (one route for all three).
 */
export const INVESTIGATE_COMMAND = '/investigate';

/** Every skill an investigation may load: log analysis, and the review of the resource the alarm watches. */
export const INVESTIGATION_SKILLS: readonly SkillName[] = [SKILLS.logs, SKILLS.eks, SKILLS.bestPractice];

export interface InvestigationRequest extends ThreadKey {
  /** Who asked (the Investigate click or the command); the bot's own id for an automatic start. */
  userId: string;
  skills: SkillName[];
  prompt: string;
  /** Shows which alarm this run investigates; called once the thread is claimed, before the agent starts. */
  showRoot(): Promise<void>;
  /** Answers the person privately (a refusal). */
  tell(text: string): Promise<void>;
}

export type InvestigationResult = 'started' | 'refused' | 'already_running' | 'restarting';

export interface InvestigationDeps {
  store: SessionStore;
  access: AccessPolicy;
  gate: boolean;
  skillsBasePath: string;
  leaseMs: number;
  owner: string;
  now: () => number;
  log: Logger;
  isAccepting: () => boolean;
  /** The HARNESSES id that answers a command (unset: the default harness). */
  harnessFor?: (command: string) => string | undefined;
  execute: (session: SessionRecord, input: TurnInput, user: string) => Promise<void>;
}

export class InvestigationRuns {
  constructor(private readonly d: InvestigationDeps) {}

  async run(req: InvestigationRequest): Promise<InvestigationResult> {
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    if (!this.d.isAccepting()) {
      await this.tell(
        req,
        'The bot is restarting, so I did not start the investigation. Try again in a minute.',
      );
      return 'restarting';
    }
    const now = this.d.now();
    const harness = this.d.harnessFor?.(INVESTIGATE_COMMAND);
    const session: SessionRecord = {
      ...key,
      runtimeSessionId: newRuntimeSessionId(key),
      generation: 1,
      routeId: INVESTIGATION_ROUTE_ID,
      skill: req.skills[0]!,
      skillPaths: req.skills.map((s) => skillPath(this.d.skillsBasePath, s)),
      requester: req.userId,
      status: 'running',
      owner: this.d.owner,
      leaseExpiresAt: now + this.d.leaseMs,
      turns: 0,
      createdAt: now,
      updatedAt: now,
      ...(harness ? { harness } : {}),
    };
    const grant = await grantTurn(
      { access: this.d.access, gate: this.d.gate, skillsBasePath: this.d.skillsBasePath },
      session,
      req.userId,
      false,
    );
    if (!grant.allowed) {
      this.d.log.info({ ...key, user: req.userId }, 'investigation refused by the access lists');
      await this.tell(req, grant.reason);
      return 'refused';
    }
    if (!(await this.d.store.create(session))) {
      await this.tell(
        req,
        'This alarm is already being investigated in its thread. Reply there to ask the agent more.',
      );
      return 'already_running';
    }
    this.d.log.info(
      { ...key, requester: req.userId, sessionId: session.runtimeSessionId, skills: req.skills },
      'investigation started',
    );
    await req.showRoot().catch((err) => this.d.log.warn({ err, ...key }, 'could not show the root'));
    await this.d.execute(session, { prompt: req.prompt }, req.userId);
    return 'started';
  }

  private async tell(req: InvestigationRequest, text: string): Promise<void> {
    await req.tell(text).catch((err) => this.d.log.warn({ err }, 'could not tell the person'));
  }
}
