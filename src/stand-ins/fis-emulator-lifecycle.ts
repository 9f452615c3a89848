/**
 * The FIS emulator's experiments over time: created from a template (or returned again for the same
 * clientToken), initiating → running → completed on their own, or ending failed / cancelled as a test
 * asked; stop moves them through stopping.
 */
import { randomBytes } from 'node:crypto';
import {
  ENDED,
  type ExperimentOutcome,
  type FisExperimentRecord,
  type FisFault,
  type RegionStore,
} from './fis-emulator-model.ts';

export class ExperimentLifecycle {
  private readonly outcomes: ExperimentOutcome[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: { initiatingMs?: number; runningMs?: number }) {}

  /** The next experiment created ends this way instead of completing. */
  endNext(o: ExperimentOutcome): void {
    this.outcomes.push(o);
  }

  /** StopExperiment: stopping now, stopped shortly after. */
  stop(e: FisExperimentRecord): void {
    if (e.state.status === 'stopping') return;
    this.setState(e, 'stopping', 'Experiment is stopping.');
    this.later(200, () => this.setState(e, 'stopped', 'Experiment stopped by user.'));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  createOrReuse(
    s: RegionStore,
    region: string,
    templateId: string,
    clientToken: string,
    tags: Record<string, string>,
  ): FisExperimentRecord | FisFault {
    const existing = [...s.experiments.values()].find((e) => e.clientToken === clientToken);
    if (existing) {
      if (existing.experimentTemplateId !== templateId)
        return {
          status: 409,
          type: 'ConflictException',
          message: 'The client token was used with different parameters.',
        };
      return existing;
    }
    const t = s.templates.get(templateId);
    if (!t)
      return { status: 404, type: 'ResourceNotFoundException', message: 'Experiment template not found.' };
    const now = Date.now() / 1000;
    const copy = structuredClone(t);
    const e: FisExperimentRecord = {
      id: `EXP${randomBytes(8).toString('hex').slice(0, 14)}`,
      experimentTemplateId: templateId,
      clientToken,
      state: { status: 'initiating', reason: 'Experiment is initiating.' },
      tags,
      creationTime: now,
      startTime: now,
      roleArn: t.roleArn,
      targets: copy.targets,
      actions: Object.fromEntries(
        Object.entries(copy.actions).map(([k, a]) => [k, { ...a, state: { status: 'pending' } }]),
      ),
      stopConditions: copy.stopConditions,
      ...(copy.logConfiguration ? { logConfiguration: copy.logConfiguration } : {}),
      ...(copy.experimentOptions ? { experimentOptions: copy.experimentOptions } : {}),
      region,
    };
    s.experiments.set(e.id, e);
    const outcome = this.outcomes.shift();
    this.later(this.o.initiatingMs ?? 300, () => {
      if (e.state.status !== 'initiating') return;
      if (outcome && outcome.afterRunningMs === undefined) return this.end(e, outcome);
      this.setState(e, 'running', 'Experiment is running.');
      this.later(outcome?.afterRunningMs ?? this.o.runningMs ?? 5_000, () => {
        if (e.state.status !== 'running') return;
        if (outcome) return this.end(e, outcome);
        this.setState(e, 'completed', 'Experiment completed.');
      });
    });
    return e;
  }

  private end(e: FisExperimentRecord, o: ExperimentOutcome): void {
    this.setState(e, o.status, o.reason, o.error);
  }

  setState(
    e: FisExperimentRecord,
    status: string,
    reason: string,
    err?: FisExperimentRecord['state']['error'],
  ) {
    e.state = { status, reason, ...(err ? { error: err } : {}) };
    const actionStatus = status === 'initiating' ? 'pending' : status;
    for (const a of Object.values(e.actions)) a.state = { status: actionStatus };
    if (ENDED.has(status)) e.endTime = Date.now() / 1000;
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
