/**
 * Phase 4 of the gate: a started experiment. Its state is followed on the card until it ends, and
 * the thread hears how it ended and why (FIS's `state.error` for failures); Emergency stop asks FIS
 * to stop it and, when FIS says no, re-reads the experiment instead of guessing from the error name.
 */

import { watchRecovery } from './approval-gate-recovery.ts';
import { type GateKit, mention, type Tell } from './approval-gate-shared.ts';
import type { ApprovalRecord } from './approval-types.ts';
import { FisError, type FisExperiment, TERMINAL_STATUSES } from './fis.ts';

export async function emergencyStop(
  kit: GateKit,
  rec: ApprovalRecord,
  user: string,
  approver: boolean,
  tell: Tell,
): Promise<void> {
  const { d } = kit;
  if (!approver && user !== rec.requester) {
    await kit.audit(
      rec,
      'rejected_click',
      user,
      'emergency stop by someone who is neither an approver nor the requester',
    );
    await tell(
      'Only the requester or an approver can stop this experiment from Slack. Stop it in the AWS FIS console if it is urgent.',
    );
    return;
  }
  if (rec.status !== 'started' || !rec.experimentId) {
    await tell('No experiment is running for this card.');
    return;
  }
  try {
    const exp = await d.fis.stopExperiment(rec.region, rec.experimentId);
    await d.approvals.patchApproval(rec.id, { stoppedBy: user, experimentStatus: exp.status });
    await kit.audit(rec, 'stop_requested', user, `experiment ${exp.status}`, undefined, rec.experimentId);
    await kit.updateCard({ ...rec, stoppedBy: user, experimentStatus: exp.status });
    await kit.postNote(
      rec,
      `:octagonal_sign: Emergency stop of \`${rec.experimentId}\` requested by ${mention(user)}.`,
    );
  } catch (err) {
    const code = err instanceof FisError ? err.code : 'error';
    // StopExperiment models only ResourceNotFound and Validation errors: what they mean depends on the
    // experiment's state, so ask FIS for it.
    const now = await d.fis.getExperiment(rec.region, rec.experimentId).catch(() => undefined);
    await kit.audit(
      rec,
      'stop_requested',
      user,
      `failed: ${code}; experiment ${now?.status ?? 'unknown'}`,
      undefined,
      rec.experimentId,
    );
    if (now && TERMINAL_STATUSES.has(now.status)) {
      await record(kit, rec, now);
      await tell(`The experiment had already ended (*${now.status}*), so there was nothing to stop.`);
      return;
    }
    await tell(
      `FIS did not accept the stop (${code}${err instanceof FisError ? `: ${err.message}` : ''}). The experiment is ${now ? `*${now.status}*` : 'in an unknown state'}: stop it in the AWS FIS console now.`,
    );
  }
}

/** States an experiment passes through quickly, while the agent may already be reporting on it. */
const EARLY = new Set(['pending', 'initiating']);
/** How often a just-started experiment is read while it is still pending or initiating. */
export const CLOSE_WATCH_MS = 500;
/** The close watch gives way to the regular sweep after this long. */
const CLOSE_WATCH_LIMIT_MS = 120_000;

/**
 * Follows a just-started experiment closely until it leaves pending/initiating: the agent is told it
 * started and checks FIS itself, so a card refreshed only by the sweep (every 15 s) would say
 * "initiating" while the agent's report already says running. Resolves when the state moved on,
 * the experiment is no longer the approval's running one, `stopped()` says so, or after two minutes.
 */
export async function watchClosely(
  kit: GateKit,
  id: string,
  stopped: () => boolean,
  everyMs = CLOSE_WATCH_MS,
): Promise<void> {
  const until = kit.now() + CLOSE_WATCH_LIMIT_MS;
  while (!stopped() && kit.now() < until) {
    const rec = await kit.d.approvals.getApproval(id).catch(() => undefined);
    if (rec?.status !== 'started' || !rec.experimentId) return;
    if (rec.experimentStatus && !EARLY.has(rec.experimentStatus)) return;
    await follow(kit, rec);
    await new Promise((r) => setTimeout(r, everyMs).unref());
  }
}

/** Refreshes a running experiment's state on its card; explains in the thread how it ended. */
export async function follow(kit: GateKit, rec: ApprovalRecord): Promise<void> {
  if (!rec.experimentId) return;
  const exp = await kit.d.fis.getExperiment(rec.region, rec.experimentId).catch((err) => {
    kit.d.log.warn({ err, experimentId: rec.experimentId }, 'could not read the experiment');
    return undefined;
  });
  if (!exp || exp.status === rec.experimentStatus) return;
  await record(kit, rec, exp);
}

async function record(kit: GateKit, rec: ApprovalRecord, exp: FisExperiment): Promise<void> {
  const { d } = kit;
  const ended = TERMINAL_STATUSES.has(exp.status);
  if (ended) {
    await d.approvals.markEnded(rec.id, exp.status);
    if (exp.error) await d.approvals.patchApproval(rec.id, { experimentError: exp.error });
    d.changed?.({ ...rec, experimentStatus: exp.status });
  } else await d.approvals.patchApproval(rec.id, { experimentStatus: exp.status });
  await kit.audit(rec, 'experiment_state', 'fis', exp.status, undefined, rec.experimentId);
  await kit.updateCard({
    ...rec,
    experimentStatus: exp.status,
    ...(exp.error ? { experimentError: exp.error } : {}),
  });
  if (ended && rec.experimentStatus !== exp.status) await kit.postNote(rec, explainEnd(exp));
  if (ended && rec.experimentStatus !== exp.status) watchRecovery(kit, rec);
}

/** How an experiment ended, in words, with FIS's error code, where it failed and what to do. */
export function explainEnd(exp: FisExperiment): string {
  const head = `Experiment \`${exp.id}\` is *${exp.status}*`;
  if (exp.status === 'cancelled')
    return `:no_entry_sign: ${head}: cancelled by FIS${exp.reason ? ` (${exp.reason})` : ''}. None of its remaining actions will run.`;
  if (exp.status !== 'failed') return `${head}${exp.reason ? `: ${exp.reason}` : '.'}`;
  const e = exp.error;
  const where = e?.location ? ` at \`${e.location}\`` : '';
  const account = e?.accountId ? ` in account ${e.accountId}` : '';
  return `:x: ${head}${exp.reason ? `: ${exp.reason}` : '.'}${e?.code ? ` FIS error \`${e.code}\`${where}${account}.` : ''} ${advice(e?.code, e?.location)}`;
}

/** What to do for each error code FIS documents (FIS user guide, troubleshooting). */
function advice(code: string | undefined, location: string | undefined): string {
  const at = location ? `\`${location}\`` : 'the part of the template named in the error';
  switch (code) {
    case 'ConfigurationFailure':
      return `An action, target, experiment or log setting is not valid: check ${at} and its parameters in the template.`;
    case 'InvalidTarget':
      return `The targets resolved to no resource (they no longer exist, an ARN is wrong, or the tags match nothing), or an action has no target: check ${at}.`;
    case 'AuthorizationFailure':
      return 'The experiment role lacks a permission the action or target resolution needs (or an SCP blocks FIS’s service-linked role): check the role against the FIS actions reference.';
    case 'DependentServiceFailure':
      return 'Another AWS service failed while FIS worked: run the experiment again.';
    case 'InternalFailure':
      return 'FIS had an internal error: run the experiment again.';
    default:
      return 'See the experiment’s details and log in the AWS FIS console.';
  }
}
