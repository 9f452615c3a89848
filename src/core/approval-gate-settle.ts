/**
 * How a start ends up recorded: FIS is asked for the experiment by its approval tag, what it started
 * is compared with what was approved (and stopped at once if it differs), and "not started" is said
 * only when FIS lists nothing. Split from approval-gate-start.ts, which sends the start.
 */
import { DO_NOT_PROCEED, type GateKit, iso, mention } from './approval-gate-shared.ts';
import { type ApprovalRecord, IN_FLIGHT, TAG_APPROVAL_ID } from './approval-types.ts';
import { definitionDifferences, FisError, type FisExperiment } from './fis.ts';
import { slackDate } from './slack-escape.ts';

/** After StartExperiment failed or its reply was lost: FIS may still have created the experiment. */
export async function settleAfterError(kit: GateKit, rec: ApprovalRecord, err: unknown): Promise<void> {
  const refused = err instanceof FisError && err.refused;
  let found: FisExperiment | undefined;
  try {
    found = await lookUp(kit, rec);
    // Without an answer from FIS the request may still be finishing there: look once more before concluding.
    if (!found && !refused) {
      await new Promise((r) => setTimeout(r, 1_000));
      found = await lookUp(kit, rec);
    }
  } catch (lookupErr) {
    return unconfirmed(kit, rec, lookupErr, err);
  }
  if (found) return adopt(kit, rec, found);
  await notStarted(
    kit,
    rec,
    `${explainStartError(err, rec.region)}; FIS has no experiment for this approval`,
  );
}

export async function lookUp(kit: GateKit, rec: ApprovalRecord): Promise<FisExperiment | undefined> {
  const all = await kit.d.fis.findExperiments(rec.region, rec.templateId, {
    key: TAG_APPROVAL_ID,
    value: rec.id,
  });
  // The clientToken makes a second one impossible; if FIS ever shows more, manage the first and log.
  if (all.length > 1)
    kit.d.log.error(
      { approvalId: rec.id, experiments: all.map((e) => e.id) },
      'several experiments for one approval',
    );
  return all[0];
}

/** FIS has an experiment for this approval: record it, check it is what was approved, tell everyone. */
export async function adopt(kit: GateKit, rec: ApprovalRecord, reported: FisExperiment): Promise<void> {
  const { d } = kit;
  let exp = reported;
  if (!exp.definition) exp = (await d.fis.getExperiment(rec.region, exp.id).catch(() => undefined)) ?? exp;
  const differences = exp.definition
    ? definitionDifferences(rec.template, exp.definition)
    : ['FIS did not report what it started'];
  const approver = rec.decidedBy ?? 'unknown';
  if (differences.length > 0) return stopMismatch(kit, rec, exp, differences);
  const started = await d.approvals.transition(rec.id, IN_FLIGHT, 'started', {
    experimentId: exp.id,
    experimentStatus: exp.status,
  });
  if (!started) return;
  await kit.audit(started, 'started', approver, `experiment ${exp.id} ${exp.status}`, undefined, exp.id);
  await kit.updateCard(started);
  await kit.postNote(
    rec,
    `:rocket: Experiment \`${exp.id}\` started from template \`${started.templateId}\` (approved by ${mention(approver)} ${slackDate(started.decidedAt ?? kit.now())}).`,
  );
  await kit.resumeAgent(started, {
    decision: 'approved',
    experimentId: exp.id,
    experimentStatus: exp.status,
    templateId: started.templateId,
    region: started.region,
    approver,
    approvedAt: iso(started.decidedAt ?? kit.now()),
    instruction:
      'The bot started the experiment. Monitor it read-only with `aws fis get-experiment`, stop it with `aws fis stop-experiment` if a stop condition or the user requires it, and report.',
  });
}

/** FIS started something other than what was approved (the template changed in between): stop it now. */
async function stopMismatch(kit: GateKit, rec: ApprovalRecord, exp: FisExperiment, differences: string[]) {
  const { d } = kit;
  let status = exp.status;
  let stopFailure: string | undefined;
  try {
    status = (await d.fis.stopExperiment(rec.region, exp.id)).status;
  } catch (err) {
    const now = await d.fis.getExperiment(rec.region, exp.id).catch(() => undefined);
    status = now?.status ?? status;
    if (!now || !['stopping', 'stopped', 'completed', 'failed', 'cancelled'].includes(now.status))
      stopFailure = err instanceof FisError ? `${err.code}: ${err.message}` : 'error';
  }
  const shown =
    differences.slice(0, 6).join('; ') +
    (differences.length > 6 ? `; and ${differences.length - 6} more` : '');
  const started = await d.approvals.transition(rec.id, IN_FLIGHT, 'started', {
    experimentId: exp.id,
    experimentStatus: status,
    // Only a stop that took keeps the Emergency stop button off the card.
    ...(stopFailure ? {} : { stoppedBy: 'bot' }),
    mismatch: shown,
  });
  if (!started) return;
  await kit.audit(
    started,
    'mismatch_stopped',
    'bot',
    `${shown}; stop ${stopFailure ?? status}`,
    undefined,
    exp.id,
  );
  await kit.updateCard(started);
  await kit.postNote(
    rec,
    `:octagonal_sign: FIS started experiment \`${exp.id}\`, but it is not what was approved (the template changed between the bot's check and the start): ${shown}. ${
      stopFailure
        ? `The bot could not stop it (${stopFailure}): *stop it in the AWS FIS console now.*`
        : `The bot stopped it at once (*${status}*).`
    } Review the template and request approval again.`,
  );
  await kit.resumeAgent(started, {
    decision: 'stopped',
    experimentId: exp.id,
    experimentStatus: status,
    reason: `FIS started something different from the approved template (${shown}), so the bot stopped it${stopFailure ? ' (the stop failed: it must be stopped in the console)' : ''}.`,
    instruction:
      'Do not start it again by any means. Report to the user that the experiment was stopped because the template changed, and that a new approval is needed.',
  });
}

/** FIS confirmed that nothing was started for this approval. */
export async function notStarted(kit: GateKit, rec: ApprovalRecord, reason: string): Promise<void> {
  const failed = await kit.d.approvals.transition(rec.id, IN_FLIGHT, 'start_failed', { reason });
  if (!failed) return;
  await kit.audit(failed, 'start_failed', 'bot', reason);
  await kit.updateCard(failed);
  await kit.postNote(
    failed,
    `:x: Experiment template \`${failed.templateId}\` was approved but not started: ${reason}. Nothing is running for this approval.`,
  );
  await kit.resumeAgent(failed, {
    decision: 'error',
    reason: `FIS did not start the experiment: ${reason}.`,
    instruction: DO_NOT_PROCEED,
  });
}

/**
 * FIS could not be asked: nothing can be concluded. The approval stays `starting` with its claim
 * released, so the next sweep on any replica asks again; the thread hears it now.
 */
export async function unconfirmed(kit: GateKit, rec: ApprovalRecord, lookupErr: unknown, startErr?: unknown) {
  const code = (e: unknown) => (e instanceof FisError ? e.code : 'error');
  kit.d.log.error({ err: lookupErr, approvalId: rec.id }, 'could not ask FIS whether the experiment started');
  await kit.d.approvals.renewLease(rec.id, kit.owner, kit.now()).catch(() => undefined);
  if (rec.reason) return; // already said
  const reason = `FIS did not confirm whether it started (${startErr ? `${code(startErr)}, then ` : ''}${code(lookupErr)})`;
  await kit.d.approvals.patchApproval(rec.id, { reason });
  await kit.audit(rec, 'start_unconfirmed', 'bot', reason);
  await kit.updateCard({ ...rec, reason });
  await kit.postNote(
    rec,
    `:hourglass_flowing_sand: ${reason}. The bot keeps asking FIS and will update the card; meanwhile check the FIS console for an experiment tagged \`${TAG_APPROVAL_ID}=${rec.id}\` in ${rec.region}.`,
  );
}

/** Why FIS refused or did not answer a StartExperiment, and what to do. */
function explainStartError(err: unknown, region: string): string {
  if (!(err instanceof FisError)) return 'StartExperiment failed without an answer from FIS';
  switch (err.code) {
    case 'ServiceQuotaExceededException':
      return `FIS refused it: an FIS quota is reached (${err.message}). Wait for running experiments to end, or ask for a quota increase in Service Quotas`;
    case 'ValidationException':
      return `FIS rejected the request as invalid (${err.message})`;
    case 'ResourceNotFoundException':
      return `FIS says the template no longer exists in ${region}`;
    case 'ConflictException':
      return `FIS reported a conflict (${err.message})`;
    case 'AccessDeniedException':
      return `the bot's IAM role may not start this template (${err.message}); the template must carry the bot's managed-by tag`;
    default:
      return err.refused
        ? `FIS refused it (${err.code}: ${err.message})`
        : `FIS did not answer (${err.code}: ${err.message})`;
  }
}
