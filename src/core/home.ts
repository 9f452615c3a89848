/**
 * The App Home: what one person sees on the bot's Home tab. Everything on it is read from the shared
 * store when it is drawn (any replica draws the same truth), and it is redrawn when that person
 * opens the tab and when something of theirs changes (a run starts, pauses or ends, an approval
 * waits for them). Only people who have opened the tab once get redrawn, so a busy workspace does
 * not publish views nobody looks at.
 */
import type { ApprovalRecord, ApprovalStore } from './approval-types.ts';
import type { Logger } from './logger.ts';
import type { SessionRecord, SessionStatus, SessionStore } from './ports.ts';

export interface HomeRun {
  teamId: string;
  channel: string;
  threadTs: string;
  title: string;
  skill: string;
  requester: string;
  createdAt: number;
}

export interface HomeStore {
  /** Remembers a run under its requester (idempotent). */
  noteRun(run: HomeRun): Promise<void>;
  /** The requester's latest runs, newest first. */
  recentRuns(user: string, limit: number): Promise<HomeRun[]>;
  markOpened(user: string): Promise<void>;
  hasOpened(user: string): Promise<boolean>;
}

export interface HomeModel {
  user: string;
  recent: Array<HomeRun & { status: SessionStatus | 'gone' }>;
  /** Approvals this person may decide, still pending. */
  approvals: ApprovalRecord[];
  /** Runs being worked on now in the workspace, anyone's. */
  workspaceRuns: Array<Pick<SessionRecord, 'channel' | 'threadTs' | 'requester' | 'skill' | 'title'>>;
  /** Experiments running now (started through an approval), any requester. */
  experiments: ApprovalRecord[];
  /** Whether approvals are enabled at all (the how-to says so). */
  approvalsEnabled: boolean;
}

export interface HomePublisher {
  publish(user: string, model: HomeModel): Promise<void>;
}

export interface HomeDeps {
  homes: HomeStore;
  sessions: SessionStore;
  approvals?: ApprovalStore;
  /** Whether this person may decide approvals (configured approvers, groups expanded). */
  isApprover?: (user: string) => Promise<boolean>;
  allowSelfApproval: boolean;
  publisher: HomePublisher;
  log: Logger;
  now?: () => number;
}

const RECENT = 8;
/** Runs in progress shown from the whole workspace. */
const WORKSPACE_RUNS = 10;
/** Pending approvals are listed by expiry up to this far ahead (all of them, in practice). */
const FOREVER_MS = 10 * 365 * 86_400_000;

export class HomeService {
  constructor(private readonly d: HomeDeps) {}

  /** The person opened the Home tab. */
  async opened(user: string): Promise<void> {
    await this.d.homes
      .markOpened(user)
      .catch((err) => this.d.log.warn({ err }, 'could not note a Home visit'));
    await this.refresh(user);
  }

  /** Draws the person's Home tab from the store now. */
  async refresh(user: string): Promise<void> {
    try {
      await this.d.publisher.publish(user, await this.model(user));
    } catch (err) {
      this.d.log.warn({ err, user }, 'could not publish the Home tab');
    }
  }

  /** A run started, paused or ended: remember it and redraw its requester's tab if they use it. */
  runChanged(session: SessionRecord): void {
    void (async () => {
      await this.d.homes.noteRun({
        teamId: session.teamId,
        channel: session.channel,
        threadTs: session.threadTs,
        title: session.title ?? session.skill,
        skill: session.skill,
        requester: session.requester,
        createdAt: session.createdAt,
      });
      if (await this.d.homes.hasOpened(session.requester)) await this.refresh(session.requester);
    })().catch((err) => this.d.log.warn({ err }, 'could not update the Home tab for a run'));
  }

  /** Redraws the tabs of these people (those who use it). */
  async refreshAll(users: string[]): Promise<void> {
    for (const u of new Set(users)) {
      if (await this.d.homes.hasOpened(u).catch(() => false)) await this.refresh(u);
    }
  }

  async model(user: string): Promise<HomeModel> {
    const now = (this.d.now ?? Date.now)();
    const runs = await this.d.homes.recentRuns(user, RECENT);
    const recent = await Promise.all(
      runs.map(async (r) => {
        const s = await this.d.sessions.get(r).catch(() => undefined);
        return { ...r, status: s?.status ?? ('gone' as const) };
      }),
    );
    const workspaceRuns = (
      await this.d.sessions.listRunning(WORKSPACE_RUNS).catch((err) => {
        this.d.log.warn({ err }, 'could not list the runs in progress');
        return [];
      })
    ).map((s) => ({
      channel: s.channel,
      threadTs: s.threadTs,
      requester: s.requester,
      skill: s.skill,
      ...(s.title ? { title: s.title } : {}),
    }));
    let approvals: ApprovalRecord[] = [];
    let experiments: ApprovalRecord[] = [];
    if (this.d.approvals) {
      const mayDecide = (await this.d.isApprover?.(user)) ?? false;
      if (mayDecide) {
        approvals = (await this.d.approvals.listExpired(now + FOREVER_MS)).filter(
          (a) =>
            a.status === 'pending' && a.expiresAt > now && (this.d.allowSelfApproval || a.requester !== user),
        );
      }
      experiments = await this.d.approvals.listRunning();
    }
    return {
      user,
      recent,
      workspaceRuns,
      approvals,
      experiments,
      approvalsEnabled: this.d.approvals !== undefined,
    };
  }
}
