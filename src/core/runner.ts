/**
 * Runs in this process: the entry points for new work (run-requests.ts), for Retry and Stop
 * (run-controls.ts) and for resuming after an approval; one turn at a time per thread, across
 * replicas: a lease in the store, follow-ups queued behind the running turn, Stop from any replica,
 * interrupted runs found and offered for retry, and a graceful drain on shutdown.
 * Data flows one way: request → run → harness stream → reply stream → Slack writer.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ToolResult } from './approval-gate.ts';
import type { ApprovalRecord } from './approval-types.ts';
import {
  type InvestigationRequest,
  type InvestigationResult,
  InvestigationRuns,
} from './investigation-runs.ts';
import { LapseWatch } from './lapse-watch.ts';
import type { SessionRecord, ThreadKey } from './ports.ts';
import { AfterApproval } from './run-after-approval.ts';
import { type RetryClick, RunControls, type StopOutcome } from './run-controls.ts';
import {
  type CommandRequest,
  type ConversationRequest,
  type FollowUpRequest,
  type FollowUpResult,
  type RunnerDeps,
  RunRequests,
} from './run-requests.ts';
import { INTERRUPT_WINDOW_MS } from './shutdown.ts';
import { setAgentStatus } from './turn-agent-session.ts';
import { abortRun, type LocalRun, TurnEngine, type TurnInput } from './turns.ts';

export type { RetryClick, StopOutcome, StopResult } from './run-controls.ts';
export type {
  CommandRequest,
  ConversationRequest,
  FollowUpRequest,
  FollowUpResult,
  RunnerDeps,
  RunnerSettings,
} from './run-requests.ts';

export class Runner {
  readonly owner: string;
  private readonly active = new Set<Promise<unknown>>();
  private readonly local = new Map<string, LocalRun>();
  private readonly now: () => number;
  private readonly engine: TurnEngine;
  private readonly controls: RunControls;
  private readonly requests: RunRequests;
  private readonly lapses: LapseWatch;
  private readonly investigations: InvestigationRuns;
  private readonly afterApproval: AfterApproval;
  private accepting = true;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
    this.owner = d.owner ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.engine = new TurnEngine({ ...d, owner: this.owner, now: this.now });
    // A live owner renews its liveness twice per lease, and retries recording a completion within seconds of
    // the table coming back (the store's client gives up on a call within about 5 s).
    this.lapses = new LapseWatch(Math.max(d.settings.leaseMs, 5_000), this.now);
    this.requests = new RunRequests(
      d,
      this.owner,
      this.now,
      () => this.accepting,
      (session, input, user, before) => this.execute(session, input, user, before),
    );
    this.controls = new RunControls({
      store: d.store,
      access: d.access,
      writer: d.writer,
      presenter: d.presenter,
      log: d.log,
      owner: this.owner,
      leaseMs: d.settings.leaseMs,
      execute: (session, input, user, before) => this.execute(session, input, user, before),
      stopAgentSession: (id, harness) => d.harness.stopSession(id, harness),
      abortLocal: (key, by) => {
        const local = this.local.get(mapKey(key));
        if (local) abortRun(local, { kind: 'stop', by });
        return local !== undefined;
      },
    });
    this.investigations = new InvestigationRuns({
      store: d.store,
      access: d.access,
      gate: d.gate !== undefined,
      skillsBasePath: d.settings.skillsBasePath,
      leaseMs: d.settings.leaseMs,
      owner: this.owner,
      now: this.now,
      log: d.log,
      isAccepting: () => this.accepting,
      harnessFor: d.settings.harnessFor,
      execute: (session, input, user) => this.execute(session, input, user),
    });
    this.afterApproval = new AfterApproval({
      store: d.store,
      log: d.log,
      settings: d.settings,
      owner: this.owner,
      now: this.now,
      isAccepting: () => this.accepting,
      execute: (session, input, user, before) => this.execute(session, input, user, before),
    });
    if (d.gate) {
      d.gate.resume = (a, result) => this.resumeAfterApproval(a, result);
      d.gate.inform = (a, text) => this.informAfterApproval(a, text);
    }
  }

  /** Runs in flight in this process. */
  get activeRuns(): number {
    return this.active.size;
  }

  /** False once shutdown began: no new work is taken. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Starts a command's run after the ack; returns at once. */
  startCommand(req: CommandRequest): Promise<void> {
    // Yield first: acks of other commands that arrived together go out before this run does any work.
    return this.track(new Promise<void>((r) => setImmediate(r)).then(() => this.requests.runCommand(req)));
  }

  startFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    return this.track(this.requests.runFollowUp(req));
  }

  startConversation(req: ConversationRequest): Promise<void> {
    return this.track(this.requests.runConversation(req));
  }

  /** Investigates an alarm in its thread (an Investigate click, `/investigate`, or an automatic start). */
  startInvestigation(req: InvestigationRequest): Promise<InvestigationResult> {
    return this.track(this.investigations.run(req));
  }

  /** Runs an interrupted turn again: once, and only for its asker or an admin. */
  startRetry(click: RetryClick): Promise<void> {
    return this.track(this.controls.retry(click));
  }

  /** Continues a turn that paused for an approval, once the gate has a decision. */
  async resumeAfterApproval(a: ApprovalRecord, result: ToolResult): Promise<void> {
    await this.track(this.afterApproval.resume(a, result));
  }

  /**
   * Tells the agent of an approval's thread what happened after its tool call was answered: a turn
   * with the bot's message, queued behind a running one. Only while the thread's harness session is
   * the approval's and still alive; a recycled session has no agent that remembers the approval.
   */
  async informAfterApproval(a: ApprovalRecord, text: string): Promise<void> {
    await this.track(this.afterApproval.inform(a, text));
  }

  /** Stops the thread's running turn, wherever it runs, if this person may stop it. */
  requestStop(key: ThreadKey, userId: string): Promise<StopOutcome> {
    return this.controls.stop(key, userId);
  }

  /**
   * Finds runs whose owner died (lease lapsed, and stayed lapsed for a grace period: see
   * lapse-watch.ts), marks them interrupted and offers Retry.
   */
  reap(): Promise<void> {
    // One sweep at a time, and none once shutdown began: the store may close under it.
    if (!this.accepting) return Promise.resolve();
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    // Never our own live runs: one whose renewals failed while the table was down is still working.
    const alive = (rec: SessionRecord) => rec.owner === this.owner && this.local.has(mapKey(rec));
    this.lapses.begin();
    // Our own claims with no run behind them (a release that failed) are not kept alive by our
    // heartbeat: they are reaped like a dead owner's, after the same grace (judged by the claim alone,
    // since our record changes at every heartbeat).
    const orphaned = (rec: SessionRecord) => rec.owner === this.owner && !this.local.has(mapKey(rec));
    const won = await this.d.store.reapLapsed(
      now,
      (rec, ownerAliveUntil) =>
        alive(rec) || !this.lapses.due(rec, orphaned(rec) ? undefined : ownerAliveUntil),
      orphaned,
      { self: this.owner, leaseMs: this.d.settings.leaseMs },
    );
    this.lapses.end();
    for (const rec of won) {
      this.d.log.warn(
        { ...keyOf(rec), owner: rec.owner },
        'run interrupted: its owner stopped renewing the lease',
      );
      const waiting = rec.queue?.length ?? 0;
      await this.engine.retireControls(rec, 'the bot instance running it stopped');
      await this.engine.postInterrupted(
        keyOf(rec),
        `the bot instance running it stopped${waiting ? `; ${waiting} later message${waiting === 1 ? ' is' : 's are'} still queued and will run after the retry` : ''}`,
        now,
      );
      // Its owner would have moved Slack's session off processing: nobody is working on it now.
      await setAgentStatus(this.d, rec, 'active').catch(() => false);
    }
  }

  /**
   * Graceful shutdown: take no new work, let running turns finish until the deadline, then stop the
   * rest and mark them interrupted (with Retry) so any replica can pick them up.
   */
  async drain(graceMs = 0): Promise<void> {
    this.accepting = false;
    const deadline = this.now() + graceMs;
    while (this.active.size > 0 && this.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.active]), sleep(Math.max(10, deadline - this.now()))]);
    }
    for (const run of this.local.values()) abortRun(run, { kind: 'shutdown' });
    const finalDeadline = this.now() + INTERRUPT_WINDOW_MS;
    while (this.active.size > 0 && this.now() < finalDeadline) {
      await Promise.race([Promise.allSettled([...this.active]), sleep(100)]);
    }
    // Their claims lapse and another replica's reaper offers them for retry; say so, since their
    // threads may not show the interruption yet.
    if (this.active.size > 0)
      this.d.log.warn(
        { runs: this.active.size },
        'runs still finishing at the end of shutdown; their threads are offered for retry when their claims lapse',
      );
    // No more heartbeats (the runs above are abandoned), and a sweep or a heartbeat still talking to
    // the store would outlive it (the embedded one closes next). Only within the interrupt window:
    // the exit margin after it is for closing (shutdown.ts).
    await Promise.race([
      Promise.allSettled([this.sweeping, this.engine.stopHeartbeat()]),
      // Unref'd: a pending timer must not keep the process alive once everything settled.
      new Promise((r) => setTimeout(r, Math.max(0, finalDeadline - this.now())).unref()),
    ]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const guarded = p.catch((err) => {
      this.d.log.error({ err }, 'run crashed');
      throw err;
    });
    this.active.add(guarded);
    void guarded.then(
      () => this.active.delete(guarded),
      () => this.active.delete(guarded),
    );
    return guarded;
  }

  /** Holds the claim while the engine works, so Stop and shutdown can reach the run. */
  private async execute(
    session: SessionRecord,
    input: TurnInput,
    user: string,
    before?: SessionRecord,
  ): Promise<void> {
    const k = mapKey(session);
    const local: LocalRun = { abort: new AbortController() };
    this.local.set(k, local);
    try {
      await this.engine.run(session, input, user, local, before);
    } finally {
      if (this.local.get(k) === local) this.local.delete(k);
    }
  }
}

function mapKey(k: ThreadKey): string {
  return `${k.teamId}|${k.channel}|${k.threadTs}`;
}

function keyOf(s: ThreadKey): ThreadKey {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
