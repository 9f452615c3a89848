/**
 * Phase 3 of the gate: starting an approved experiment so that it is never lost. The approval is
 * marked `starting` before StartExperiment is sent (the approval id is FIS's clientToken and a tag on
 * the experiment), so whatever happens next (a lost reply, a crash, a shutdown) the truth can be
 * asked of FIS: the experiment is looked up by its approval tag before anything is concluded, "not
 * started" is said only when FIS lists none, and what FIS started is compared with what was approved.
 */
import { recheckInterlocks } from './approval-gate-recheck.ts';
import { adopt, lookUp, notStarted, settleAfterError, unconfirmed } from './approval-gate-settle.ts';
import type { GateKit } from './approval-gate-shared.ts';
import { type ApprovalRecord, TAG_APPROVAL_ID, TAG_APPROVED_BY, TAG_REQUESTED_BY } from './approval-types.ts';
import type { FisExperiment } from './fis.ts';
import { type ScopedCredentials, StartRoleError, sessionNameFor, startSessionPolicy } from './start-role.ts';

export { notStarted };

/** Sends StartExperiment for an approval this replica holds in `approved`, and settles the outcome. */
export async function startApproved(kit: GateKit, rec: ApprovalRecord, user: string): Promise<void> {
  const { d } = kit;
  // Alarms, limits and targets are read again; anything worse than what was approved stops here.
  if (!(await recheckInterlocks(kit, rec, user))) return;
  let credentials: ScopedCredentials | undefined;
  if (d.startRole) {
    try {
      credentials = await d.startRole.port.assume({
        roleArn: d.startRole.roleArn,
        region: rec.region,
        sessionName: sessionNameFor(rec.id),
        sourceIdentity: sessionNameFor(rec.id),
        sessionPolicy: startSessionPolicy(d.startRole.roleArn, rec.region, rec.templateId),
      });
    } catch (err) {
      d.log.error({ err, approvalId: rec.id }, 'could not assume the start role');
      const why = err instanceof StartRoleError ? `${err.code}: ${err.message}` : 'error';
      return notStarted(
        kit,
        rec,
        `the bot could not assume its start-only role ${d.startRole.roleArn} (${why}); StartExperiment was not sent`,
      );
    }
  }
  const now = kit.now();
  const starting = await d.approvals.transition(rec.id, 'approved', 'starting', {
    startRequestedAt: now,
    startOwner: kit.owner,
    leaseUntil: now + kit.leaseMs,
  });
  if (!starting) return;
  await kit.audit(starting, 'start_requested', user, 'StartExperiment sent');
  let exp: FisExperiment;
  try {
    exp = await d.fis.startExperiment(
      starting.region,
      starting.templateId,
      starting.id,
      {
        [TAG_APPROVAL_ID]: starting.id,
        [TAG_APPROVED_BY]: user,
        [TAG_REQUESTED_BY]: starting.requester,
      },
      credentials,
    );
  } catch (err) {
    d.log.error({ err, approvalId: starting.id }, 'StartExperiment did not return an experiment');
    return settleAfterError(kit, starting, err);
  }
  await adopt(kit, starting, exp);
}

/**
 * An in-flight approval whose replica stopped answering (crash, kill, lost network): this replica has
 * claimed it and asks FIS what happened.
 */
export async function reconcile(kit: GateKit, rec: ApprovalRecord): Promise<void> {
  kit.d.log.warn(
    { approvalId: rec.id, status: rec.status, previousOwner: rec.startOwner },
    'reconciling an approval whose start was interrupted',
  );
  await kit.audit(
    rec,
    'reconciled',
    'bot',
    `claim of ${rec.startOwner ?? 'unknown'} lapsed in ${rec.status}`,
  );
  let found: FisExperiment | undefined;
  try {
    found = await lookUp(kit, rec);
  } catch (err) {
    return unconfirmed(kit, rec, err);
  }
  if (found) return adopt(kit, rec, found);
  await notStarted(
    kit,
    rec,
    rec.status === 'starting'
      ? 'the bot stopped while starting it, and FIS has no experiment for this approval'
      : 'the bot stopped before sending StartExperiment, and FIS has no experiment for this approval',
  );
}
