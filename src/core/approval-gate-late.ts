/**
 * The late-start sweep. The bot says "not started" only after FIS listed no experiment for the
 * approval, yet FIS can still finish a StartExperiment it received after that (a held request, a
 * reply lost in a slow network). Such an experiment runs with nobody expecting it: the approver was
 * told nothing runs, and the agent was told not to proceed. So any replica periodically lists the
 * region's experiments carrying the bot's approval tag, for approvals concluded not-started within a
 * recent window, and stops any it finds at once.
 *
 * Why stop rather than take it over: the decision that was approved has already been reported as
 * failed, the moment it was approved for has passed, and whoever could watch it was told there is
 * nothing to watch. Running it now would be running an experiment nobody chose to run now. A new
 * approval is one click away; an unexpected fault in production is not undone.
 */
import { type GateKit, mention } from './approval-gate-shared.ts';
import { type ApprovalRecord, TAG_APPROVAL_ID } from './approval-types.ts';
import { FisError, type FisExperiment, TERMINAL_STATUSES } from './fis.ts';

/** How far back a not-started conclusion is re-checked against FIS. */
export const LATE_START_WINDOW_MS = 60 * 60_000;

/**
 * One pass, on every sweep: one query of the sparse not-started index; FIS is asked (one
 * ListExperiments listing per region) only while an approval concluded not-started within the window exists.
 */
export async function sweepLateStarts(kit: GateKit, windowMs = LATE_START_WINDOW_MS): Promise<void> {
  const since = kit.now() - windowMs;
  const recent = await kit.d.approvals.listNotStarted(since);
  if (recent.length === 0) return;
  const byRegion = new Map<string, ApprovalRecord[]>();
  for (const rec of recent) byRegion.set(rec.region, [...(byRegion.get(rec.region) ?? []), rec]);
  for (const [region, recs] of byRegion) {
    // The experiment cannot predate its StartExperiment request.
    const earliest = Math.min(...recs.map((r) => r.startRequestedAt ?? r.createdAt));
    let tagged: FisExperiment[];
    try {
      tagged = await kit.d.fis.listTaggedExperiments(region, TAG_APPROVAL_ID, earliest);
    } catch (err) {
      kit.d.log.warn({ err, region }, 'late-start sweep could not list experiments; trying again later');
      continue;
    }
    for (const rec of recs) {
      const exp = tagged.find((e) => e.tags?.[TAG_APPROVAL_ID] === rec.id);
      if (exp) await stopLateStart(kit, rec, exp);
    }
  }
}

/** An experiment for an approval concluded not-started: stop it, put it on the card, tell everyone. */
async function stopLateStart(kit: GateKit, rec: ApprovalRecord, found: FisExperiment): Promise<void> {
  const { d } = kit;
  let status = found.status;
  let stopFailure: string | undefined;
  if (!TERMINAL_STATUSES.has(status)) {
    try {
      status = (await d.fis.stopExperiment(rec.region, found.id)).status;
    } catch (err) {
      const now = await d.fis.getExperiment(rec.region, found.id).catch(() => undefined);
      status = now?.status ?? status;
      if (!now || !(TERMINAL_STATUSES.has(now.status) || now.status === 'stopping'))
        stopFailure = err instanceof FisError ? `${err.code}: ${err.message}` : 'no answer from FIS';
    }
  }
  const concludedReason = rec.reason ?? 'FIS listed no experiment for it';
  // Conditional: of several replicas finding it, one records and tells.
  const managed = await d.approvals.transition(rec.id, 'start_failed', 'started', {
    experimentId: found.id,
    experimentStatus: status,
    lateStart: { concludedReason },
    ...(stopFailure ? {} : { stoppedBy: 'bot' }),
  });
  if (!managed) return;
  d.log.error(
    { approvalId: rec.id, experimentId: found.id, status, stopFailure },
    'FIS created an experiment after the bot concluded it was not started',
  );
  await kit.audit(
    managed,
    'late_start_stopped',
    'bot',
    `created after "not started" (${concludedReason}); stop ${stopFailure ?? status}`,
    undefined,
    found.id,
  );
  await kit.updateCard(managed);
  const outcome = stopFailure
    ? `The bot could not stop it (${stopFailure}): *stop it in the AWS FIS console now.*`
    : `The bot stopped it at once (*${status}*), because the approval had already been reported as not started and nobody was watching it.`;
  await kit.postNote(
    rec,
    `:octagonal_sign: ${mention(rec.decidedBy ?? rec.requester)} FIS created experiment \`${found.id}\` for this approval *after* the bot had reported it not started (${concludedReason}). ${outcome} Request a new approval if you still want to run it.`,
  );
  kit.informAgent(
    managed,
    `[Message from the Slack bot, not from a person] The FIS experiment \`${found.id}\` (template ${rec.templateId}, ${rec.region}) that you were told was not started was created by FIS late. ${
      stopFailure
        ? `The bot could not stop it (${stopFailure}); tell the user to stop it in the AWS FIS console now.`
        : `The bot stopped it at once (${status}).`
    } Do not start it again by any means. Tell the user briefly what happened; a new approval is needed to run it.`,
  );
}
