/**
 * Right before StartExperiment: the interlocks are read again. Alarms must still be able to stop the
 * experiment, the limits must still hold, and the targets must be no more than the approver saw. A
 * grown or different target set stops the start (the thread shows the difference; a fresh card is
 * needed); resources that disappeared are allowed, and said.
 */
import { blockingChange, checkInterlocks, radiusChange, shrinkNote } from './approval-gate-checks.ts';
import { notStarted } from './approval-gate-settle.ts';
import { DO_NOT_PROCEED, type GateKit, mention } from './approval-gate-shared.ts';
import type { ApprovalRecord } from './approval-types.ts';

/** True when the start may go ahead; otherwise the approval is settled (invalidated or not started). */
export async function recheckInterlocks(kit: GateKit, rec: ApprovalRecord, user: string): Promise<boolean> {
  const { d } = kit;
  if (!rec.interlocks) {
    await refuse(kit, rec, user, [
      'the card was posted before the bot checked stop-condition alarms and targets, so it cannot compare them now',
    ]);
    return false;
  }
  const now = await checkInterlocks(d.interlocks, rec.region, rec.template, kit.now());
  if (!now.ok) {
    await notStarted(kit, rec, `${now.error}; StartExperiment was not sent`);
    return false;
  }
  const change = radiusChange(rec.interlocks.radius, now.reading.radius);
  const problems = [...blockingChange(change), ...now.reading.problems];
  const shrunk = shrinkNote(change);
  await d.approvals.patchApproval(rec.id, {
    startCheck: { ...now.reading, ...(shrunk ? { shrunk } : {}) },
  });
  if (problems.length) {
    await refuse(kit, rec, user, problems);
    return false;
  }
  if (shrunk)
    await kit.postNote(
      rec,
      `:information_source: Fewer targets than the card showed: ${shrunk}. That is within what was approved, so the bot starts on the rest.`,
    );
  return true;
}

async function refuse(kit: GateKit, rec: ApprovalRecord, user: string, problems: string[]): Promise<void> {
  const reason = `checked again at start: ${problems.join('; ')}`;
  const done = await kit.d.approvals.transition(rec.id, 'approved', 'invalidated', { reason });
  if (!done) return;
  await kit.audit(done, 'interlock_refused', 'bot', reason);
  await kit.updateCard(done);
  await kit.postNote(
    rec,
    `:no_entry: Approved by ${mention(user)}, but the bot did not start it. Checked again right before the start:\n${problems
      .map((p) => `• ${p}`)
      .join('\n')}\nNothing was started. If this is still wanted, request approval again for a fresh card.`,
  );
  await kit.resumeAgent(done, {
    decision: 'denied',
    reason: `The bot re-checked the stop-condition alarms and targets right before the start and refused: ${problems.join('; ')}.`,
    templateId: done.templateId,
    instruction: DO_NOT_PROCEED,
  });
}
