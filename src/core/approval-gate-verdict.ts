/**
 * The recovery verdict, said once it is stored: in the thread, to the approvers when it is "not
 * recovered" (mention and a direct message each), and to the agent in its session so its report agrees
 * with what the bot measured. Targets the bot could not check are named as such, never counted healthy.
 */
import type { GateKit } from './approval-gate-shared.ts';
import type { ApprovalRecord, RecoveryVerdict } from './approval-types.ts';
import { humanDuration } from './fis-plan.ts';
import { mention } from './slack-escape.ts';

export async function announce(
  kit: GateKit,
  rec: ApprovalRecord,
  verdict: RecoveryVerdict,
  why?: string,
): Promise<void> {
  const { d } = kit;
  const exp = `\`${rec.experimentId}\``;
  const within = humanDuration(Math.max(1, (verdict.deadline - verdict.endedAt) / 1000));
  const checked = whatWasChecked(verdict);
  const notChecked = verdict.notChecked?.length ? ` Not checked: ${verdict.notChecked.join('; ')}.` : '';
  let text: string;
  let agent: string;
  if (verdict.status === 'recovered') {
    const after = verdict.afterMs ?? 0;
    const when = after > 0 ? `${humanDuration(after / 1000)} after it ended` : 'already when it ended';
    text = `:white_check_mark: *Recovered:* ${checked} of experiment ${exp} ${checked === 'every stop-condition alarm' ? 'was' : 'were'} healthy again ${when} (the bot allows ${within}).${notChecked}`;
    agent = `Recovered: ${checked} healthy again ${when}.${notChecked}`;
  } else if (verdict.status === 'not_recovered') {
    const failing = (verdict.stillFailing ?? []).join(', ');
    const who = [...d.approvers.configured, rec.requester].map(mention).join(' ');
    text = `:sos: *Not recovered:* ${within} after experiment ${exp} ended, ${failing} ${verdict.stillFailing?.length === 1 ? 'is' : 'are'} still not healthy.${notChecked} ${who}: check the service now (on-call: the approvers and ${mention(rec.requester)}).`;
    agent = `Not recovered: ${within} after the experiment ended, ${failing} still not healthy.${notChecked} The approvers were paged.`;
  } else {
    text = `:grey_question: Recovery of experiment ${exp} cannot be verified: ${why}.${notChecked}`;
    agent = `Recovery could not be verified: ${why}.${notChecked}`;
  }
  agent = agent.replace(/`/g, '');
  await kit.audit(rec, 'recovery', 'bot', agent, undefined, rec.experimentId);
  await kit.postNote(rec, text);
  if (verdict.status === 'not_recovered') await page(kit, rec, text);
  await kit.inform(
    rec,
    `[Bot measurement, not a user message] ${agent} Use this verdict in your report; do not contradict it.`,
  );
}

/** "every stop-condition alarm and the 3 checked target resources", as far as they were checked. */
function whatWasChecked(v: RecoveryVerdict): string {
  const alarms = (v.checking?.alarms.length ?? 0) > 0;
  const unchecked = new Set((v.notChecked ?? []).map((n) => /^`([^`]+)`/.exec(n)?.[1]));
  const resources = (v.checking?.targets ?? [])
    .filter((t) => !unchecked.has(t.name))
    // A target checked through its service (ECS, from its parameters) counts as one.
    .reduce((n, t) => n + (t.arns.length || 1), 0);
  const targets = resources ? `the ${resources} checked target resource${resources === 1 ? '' : 's'}` : '';
  if (alarms && targets) return `every stop-condition alarm and ${targets}`;
  return alarms ? 'every stop-condition alarm' : targets;
}

/** A direct message to each approver user (groups cannot be messaged; they were mentioned in the thread). */
async function page(kit: GateKit, rec: ApprovalRecord, text: string): Promise<void> {
  const users = kit.d.approvers.configured.filter((id) => /^[UW]/.test(id));
  const link = `(approval \`${rec.id}\`)`;
  for (const user of users) {
    await kit.d.writer
      .post(user, kit.d.note(`${text} ${link}`))
      .catch((err) => kit.d.log.error({ err, user, approvalId: rec.id }, 'could not page an approver by DM'));
  }
}
