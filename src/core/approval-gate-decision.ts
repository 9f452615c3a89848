/**
 * Phase 2 of the gate: a human decides. Clicks are checked on the server (right card, right person,
 * still pending, not expired); one conditional write records the decision; an approval is re-checked
 * against the template FIS holds now before anything is started.
 */
import {
  alreadyDecided,
  type ClickInput,
  DO_NOT_PROCEED,
  type GateKit,
  mention,
  type Tell,
} from './approval-gate-shared.ts';
import { notStarted, startApproved } from './approval-gate-start.ts';
import { emergencyStop } from './approval-gate-watch.ts';
import type { ApprovalRecord } from './approval-types.ts';
import { FINGERPRINT_SCHEME, fingerprint } from './fingerprint.ts';
import { FisError, type FisPort, type FisTargetAccount } from './fis.ts';

export async function handleClick(kit: GateKit, c: ClickInput, tell: Tell): Promise<void> {
  const { d } = kit;
  let rec = await d.approvals.getApproval(c.approvalId);
  // A click can beat the bookkeeping of the card's own ts by a few milliseconds; wait for it briefly.
  for (let i = 0; rec && !rec.cardTs && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rec = await d.approvals.getApproval(c.approvalId);
  }
  if (!rec) {
    d.log.warn({ click: c }, 'click for an unknown approval');
    await tell('This approval does not exist. Nothing was changed.');
    return;
  }
  if (rec.thread.channel !== c.channel || rec.cardTs !== c.messageTs) {
    await kit.audit(
      rec,
      'rejected_click',
      c.user,
      `button value replayed from another message (${c.channel}/${c.messageTs})`,
    );
    await tell('That button does not belong to this approval card. Nothing was changed.');
    return;
  }
  const approver = await d.approvers.isApprover(c.user);
  if (c.action === 'stop') return emergencyStop(kit, rec, c.user, approver, tell);
  if (c.action === 'deny' && !approver && c.user !== rec.requester) {
    await kit.audit(
      rec,
      'rejected_click',
      c.user,
      'deny by someone who is neither an approver nor the requester',
    );
    await tell('Only an approver or the requester can deny this experiment. Nothing was changed.');
    return;
  }
  if (c.action === 'approve') {
    if (!approver) {
      await kit.audit(rec, 'rejected_click', c.user, 'approve by a non-approver');
      await tell(
        `You are not an approver for FIS experiments. Approvers: ${d.approvers.configured.map(mention).join(' ')}. Nothing was changed.`,
      );
      return;
    }
    if (c.user === rec.requester && !d.policy.allowSelfApproval) {
      await kit.audit(rec, 'rejected_click', c.user, 'self-approval');
      await tell('You requested this run, so someone else has to approve it. Nothing was changed.');
      return;
    }
  }
  if (rec.status !== 'pending') {
    await tell(alreadyDecided(rec));
    return;
  }
  if (kit.now() >= rec.expiresAt) {
    await expire(kit, rec);
    await tell('This approval expired before your click. Nothing was started.');
    return;
  }
  if (c.action === 'deny') return deny(kit, rec, c.user, tell);
  return approve(kit, rec, c.user, tell);
}

async function approve(kit: GateKit, rec: ApprovalRecord, user: string, tell: Tell): Promise<void> {
  const { d } = kit;
  const now = kit.now();
  // Claimed by this replica while it checks and starts; if it dies, any replica reconciles after the lease.
  const approved = await d.approvals.transition(
    rec.id,
    'pending',
    'approved',
    { decidedBy: user, decidedAt: now, startOwner: kit.owner, leaseUntil: now + kit.leaseMs },
    now,
  );
  if (!approved) {
    const latest = await d.approvals.getApproval(rec.id);
    await tell(latest ? alreadyDecided(latest) : 'This approval is no longer pending. Nothing was changed.');
    return;
  }
  const lease = kit.holdLease(approved.id);
  try {
    await kit.audit(approved, 'approved', user, 'approved');
    await kit.updateCard(approved);
    // A fingerprint computed another way cannot be compared: fail closed rather than start on a stale check.
    if ((approved.fingerprintScheme ?? 'fis-template/v1') !== FINGERPRINT_SCHEME) {
      return invalidate(
        kit,
        approved,
        user,
        `the bot was upgraded after this card was posted and checks templates differently now (${approved.fingerprintScheme ?? 'fis-template/v1'} → ${FINGERPRINT_SCHEME})`,
        'The bot was upgraded after the approval card was posted, so it can no longer confirm that the template is exactly what the approver saw. Nothing was started; request approval again to review it.',
      );
    }
    // The template must still be exactly what the approver saw.
    let current: Awaited<ReturnType<FisPort['getTemplate']>>;
    try {
      current = await d.fis.getTemplate(approved.region, approved.templateId);
    } catch (err) {
      return notStarted(
        kit,
        approved,
        `the bot could not re-read the template before starting it (${err instanceof FisError ? err.code : 'error'}); StartExperiment was not sent`,
      );
    }
    if (!current || fingerprint(current) !== approved.fingerprint) {
      return invalidate(
        kit,
        approved,
        user,
        current ? 'template changed after the approval was requested' : 'template was deleted',
        'The experiment template changed after approval was requested, so the approval no longer applies. Ask for approval again if the change is intended.',
        current ? fingerprint(current) : undefined,
      );
    }
    // A multi-account template acts in its target accounts, which are not part of the template itself:
    // they too must still be the ones the card listed.
    if (approved.targetAccounts) {
      let accounts: FisTargetAccount[];
      try {
        accounts = await d.fis.listTargetAccounts(approved.region, approved.templateId);
      } catch (err) {
        return notStarted(
          kit,
          approved,
          `the bot could not re-read the template's target accounts before starting it (${err instanceof FisError ? err.code : 'error'}); StartExperiment was not sent`,
        );
      }
      if (accountsKey(accounts) !== accountsKey(approved.targetAccounts)) {
        return invalidate(
          kit,
          approved,
          user,
          `target accounts changed after the approval was requested (now ${accounts.map((a) => a.accountId).join(', ') || 'none'})`,
          'The target accounts of the multi-account template changed after approval was requested, so the approval no longer applies. Ask for approval again if the change is intended.',
        );
      }
    }
    await startApproved(kit, approved, user);
  } finally {
    lease.release();
  }
}

/** The accounts and roles a multi-account experiment acts with, order-free. */
function accountsKey(list: readonly FisTargetAccount[]): string {
  return JSON.stringify(list.map((a) => `${a.accountId} ${a.roleArn ?? ''}`).sort());
}

async function invalidate(
  kit: GateKit,
  rec: ApprovalRecord,
  user: string,
  reason: string,
  agentReason: string,
  newFingerprint?: string,
): Promise<void> {
  const done = await kit.d.approvals.transition(rec.id, 'approved', 'invalidated', { reason });
  if (!done) return;
  await kit.audit(done, 'invalidated', 'bot', reason, newFingerprint);
  await kit.updateCard(done);
  await kit.postNote(
    rec,
    reason.startsWith('the bot was upgraded') || reason.startsWith('target accounts')
      ? `:warning: Approved by ${mention(user)}, but ${reason}, so the bot did not start it. Request approval again to review the template.`
      : `:warning: The template changed after the approval card was posted, so the bot did not start it (approved by ${mention(user)}).`,
  );
  await kit.resumeAgent(done, {
    decision: 'denied',
    reason: agentReason,
    templateId: done.templateId,
    instruction: DO_NOT_PROCEED,
  });
}

async function deny(kit: GateKit, rec: ApprovalRecord, user: string, tell: Tell): Promise<void> {
  const denied = await kit.d.approvals.transition(rec.id, 'pending', 'denied', {
    decidedBy: user,
    decidedAt: kit.now(),
  });
  if (!denied) {
    const latest = await kit.d.approvals.getApproval(rec.id);
    await tell(latest ? alreadyDecided(latest) : 'This approval is no longer pending.');
    return;
  }
  await kit.audit(denied, 'denied', user, 'denied');
  await kit.updateCard(denied);
  await kit.postNote(
    denied,
    `:no_entry: ${mention(user)} denied experiment template \`${denied.templateId}\`. Nothing was started.`,
  );
  await kit.resumeAgent(denied, {
    decision: 'denied',
    deniedBy: user,
    reason: 'A human denied the request.',
    instruction: DO_NOT_PROCEED,
  });
}

export async function expire(kit: GateKit, rec: ApprovalRecord): Promise<void> {
  const expired = await kit.d.approvals.transition(rec.id, 'pending', 'expired', {
    decidedBy: 'bot',
    decidedAt: kit.now(),
  });
  if (!expired) return;
  kit.d.changed?.(expired);
  await kit.audit(expired, 'expired', 'bot', 'no decision before expiry');
  await kit.updateCard(expired);
  await kit.postNote(
    expired,
    `:alarm_clock: The approval for \`${expired.templateId}\` expired without a decision. Nothing was started.`,
  );
  await kit.resumeAgent(expired, {
    decision: 'expired',
    reason: 'Nobody approved the request before it expired.',
    instruction: DO_NOT_PROCEED,
  });
}
