/**
 * Recovery verified: after an experiment ends (completed, stopped, failed, cancelled) the bot watches
 * its stop-condition alarms and the health of its resolved targets until all alarms are OK and every
 * checkable target is healthy again, or the configured time runs out. The verdict (approval-gate-verdict)
 * goes to the thread, the approvers when it is "not recovered", and the agent's session.
 *
 * The watch is a phase of the approval record, not of a process: the record holds the deadline, what is
 * checked, and which replica watches it under a claim it renews on every reading. A replica that stops
 * lets its claim lapse; any replica's sweep then takes the watch over where it stood. The verdict is
 * stored by a conditional write only the current owner can make, so it is posted exactly once.
 */

import { parseAlarmArn } from './alarms.ts';
import type { GateKit } from './approval-gate-shared.ts';
import { announce } from './approval-gate-verdict.ts';
import type { ApprovalRecord, RecoveryChecks, RecoveryVerdict } from './approval-types.ts';
import { readStopAlarms, stopAlarmArns } from './stop-alarms.ts';
import { checkTargets, type TargetsVerdict } from './target-health.ts';

/** Begins the watch when an experiment ended; returns at once (the sweep that saw the end must not wait). */
export function watchRecovery(kit: GateKit, rec: ApprovalRecord): void {
  if (!kit.d.recovery || rec.recovery) return;
  void begin(kit, rec, () => kit.stopping).catch((err) =>
    kit.d.log.error({ err, approvalId: rec.id }, 'recovery verification failed'),
  );
}

/**
 * Takes over watches whose replica went away (their claim lapsed) and runs each in the background.
 * `running` holds the approvals this replica already watches, so a sweep does not start a second loop.
 */
export async function resumeRecoveries(kit: GateKit, running: Set<string>): Promise<void> {
  if (!kit.d.recovery) return;
  const now = kit.now();
  for (const lapsed of await kit.d.approvals.listRecoveryLapsed(now)) {
    if (running.has(lapsed.id)) continue;
    const claimed = await kit.d.approvals.claimRecovery(lapsed.id, kit.owner, now, now + leaseMs(kit));
    if (!claimed?.recovery) continue;
    kit.d.log.info({ approvalId: claimed.id }, 'took over the recovery watch of a replica that went away');
    running.add(claimed.id);
    void watch(kit, claimed, claimed.recovery, () => kit.stopping)
      .catch((err) => kit.d.log.error({ err, approvalId: claimed.id }, 'recovery verification failed'))
      .finally(() => running.delete(claimed.id));
  }
}

/** The alarms and targets the watch reads: fixed at the end, from the template and the targets as approved. */
export function recoveryChecks(rec: ApprovalRecord): RecoveryChecks {
  const radius = rec.startCheck?.radius ?? rec.interlocks?.radius;
  return {
    alarms: stopAlarmArns(rec.template).map((arn) => parseAlarmArn(arn)?.name ?? arn),
    targets: (radius?.targets ?? []).map((t) => {
      const parameters = rec.template.targets[t.name]?.parameters;
      return {
        name: t.name,
        resourceType: t.resourceType,
        arns: [...t.pool],
        ...(parameters && Object.keys(parameters).length ? { parameters: { ...parameters } } : {}),
      };
    }),
  };
}

function pollMs(kit: GateKit, withinMs: number): number {
  return kit.d.recovery?.pollMs ?? Math.min(30_000, Math.max(200, Math.floor(withinMs / 20)));
}

/** The claim outlives three readings, so a watch that is merely slow is not taken over. */
function leaseMs(kit: GateKit): number {
  const r = kit.d.recovery!;
  return Math.max(r.leaseMs ?? kit.leaseMs, 3 * pollMs(kit, r.withinMs));
}

async function begin(kit: GateKit, rec: ApprovalRecord, stopped: () => boolean): Promise<void> {
  const { d } = kit;
  const endedAt = kit.now();
  const deadline = endedAt + d.recovery!.withinMs;
  const checking = recoveryChecks(rec);
  const health = d.interlocks.health;
  const checkable = checking.targets.some(
    (t) => (t.arns.length || t.parameters) && health?.checksHealthOf(t.resourceType),
  );
  if (checking.alarms.length === 0 && !checkable) {
    const verdict: RecoveryVerdict = {
      status: 'unknown',
      endedAt,
      deadline,
      checking,
      notChecked: (await checkTargets(health, rec.region, checking.targets)).notChecked,
    };
    if (await d.approvals.beginRecovery(rec.id, verdict))
      await announce(
        kit,
        rec,
        verdict,
        'it has no stop-condition alarms and no target whose health the bot can read',
      );
    return;
  }
  const watching: RecoveryVerdict = {
    status: 'watching',
    endedAt,
    deadline,
    checking,
    owner: kit.owner,
    leaseUntil: endedAt + leaseMs(kit),
  };
  // Another replica saw the same end and began first: the watch is theirs.
  if (!(await d.approvals.beginRecovery(rec.id, watching))) return;
  await watch(kit, { ...rec, recovery: watching }, watching, stopped);
}

/** Reads alarms and targets until both are healthy or the deadline passes, renewing the claim each time. */
async function watch(
  kit: GateKit,
  rec: ApprovalRecord,
  state: RecoveryVerdict,
  stopped: () => boolean,
): Promise<void> {
  const { d } = kit;
  const { endedAt, deadline } = state;
  const checking = state.checking ?? recoveryChecks(rec);
  const every = pollMs(kit, d.recovery?.withinMs ?? deadline - endedAt);
  let targetsWereUnhealthy = false;
  for (;;) {
    if (stopped()) return; // this replica is shutting down: its claim lapses and another takes over
    const reading = await readAll(kit, rec, checking);
    targetsWereUnhealthy ||= reading.unhealthyTargets;
    if (reading.failing.length === 0) {
      const afterMs = await recoveredAfter(kit, rec, checking.alarms, endedAt, targetsWereUnhealthy);
      await settle(kit, rec, {
        status: 'recovered',
        endedAt,
        deadline,
        checking,
        afterMs,
        ...(reading.notChecked.length ? { notChecked: reading.notChecked } : {}),
      });
      return;
    }
    if (kit.now() >= deadline) {
      await settle(kit, rec, {
        status: 'not_recovered',
        endedAt,
        deadline,
        checking,
        stillFailing: reading.failing,
        ...(reading.notChecked.length ? { notChecked: reading.notChecked } : {}),
      });
      return;
    }
    await new Promise((r) => setTimeout(r, every).unref());
    if (stopped()) return;
    // Lost the claim (this replica was too slow and another took over): the watch is theirs now.
    if (!(await d.approvals.renewRecovery(rec.id, kit.owner, kit.now() + leaseMs(kit)))) return;
  }
}

/** One reading: what is still failing (alarms not OK, targets not healthy) and what cannot be checked. */
async function readAll(
  kit: GateKit,
  rec: ApprovalRecord,
  checking: RecoveryChecks,
): Promise<{ failing: string[]; notChecked: string[]; unhealthyTargets: boolean }> {
  const { d } = kit;
  const failing: string[] = [];
  if (checking.alarms.length) {
    try {
      const readings = await readStopAlarms(d.interlocks.alarms, rec.region, rec.template);
      for (const r of readings)
        if (r.state !== 'OK') failing.push(`\`${r.name}\` ${r.state === 'MISSING' ? 'missing' : r.state}`);
    } catch (err) {
      d.log.warn({ err, approvalId: rec.id }, 'could not read the stop-condition alarms for recovery');
      failing.push('the alarms could not be read from CloudWatch');
    }
  }
  let targets: TargetsVerdict;
  try {
    targets = await checkTargets(d.interlocks.health, rec.region, checking.targets);
  } catch (err) {
    d.log.warn({ err, approvalId: rec.id }, 'could not read the health of the targets for recovery');
    const why = 'the health of the targets could not be read';
    return { failing: [...failing, why], notChecked: [], unhealthyTargets: true };
  }
  return {
    failing: [...failing, ...targets.unhealthy],
    notChecked: targets.notChecked,
    unhealthyTargets: targets.unhealthy.length > 0,
  };
}

/**
 * How long after the end everything was healthy: the last alarm's return to OK (CloudWatch's history, so a
 * recovery before the bot looked counts from when it happened), or now when this watch saw a target unhealthy
 * (target health has no history the bot can read).
 */
async function recoveredAfter(
  kit: GateKit,
  rec: ApprovalRecord,
  names: string[],
  endedAt: number,
  targetsWereUnhealthy: boolean,
): Promise<number> {
  const since = rec.decidedAt ?? rec.createdAt;
  let lastOk = 0;
  for (const name of names) {
    const changes = await kit.d.interlocks.alarms.stateHistory(rec.region, name, since).catch(() => []);
    for (const c of changes) if (c.to === 'OK') lastOk = Math.max(lastOk, c.at);
  }
  return Math.max(0, Math.max(lastOk, targetsWereUnhealthy ? kit.now() : 0) - endedAt);
}

async function settle(kit: GateKit, rec: ApprovalRecord, verdict: RecoveryVerdict): Promise<void> {
  // Only the replica holding the watch stores the verdict; it is posted once, by whoever stored it.
  if (!(await kit.d.approvals.settleRecovery(rec.id, kit.owner, { ...verdict, owner: kit.owner }))) return;
  await announce(kit, rec, verdict);
}
