/**
 * Slack answers files.completeUploadExternal slowly: the files are shared in the thread, but the bot's
 * client times out first. Completing the same files again shares them again, so a blind re-send
 * attaches the report twice; the bot looks for the files in the thread before sending again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

const REPORT = '# EKS report\n\n| check | result |\n|---|---|\n| PDBs | missing |\n';

function reportAnswer() {
  const reply = answer('Done: the report is in /tmp/reports/eks.md.', { delayMs: 5 });
  if ('steps' in reply) reply.steps.unshift({ writeFile: { path: '/tmp/reports/eks.md', content: REPORT } });
  return reply;
}

describe('a file upload Slack answers after the client’s timeout', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the report is attached to the thread once, and no failure is reported', async () => {
    rig = await startRig({ env: { SLACK_CALL_TIMEOUT_SECONDS: '1' } });
    rig.harness.enqueue(reportAnswer());
    rig.slack.slowDown('files.completeUploadExternal', 2_500, 1);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts, 30_000);
    await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.files?.length),
      15_000,
      'the attached report',
    );
    // Anything a late retry would still attach or report.
    await new Promise((r) => setTimeout(r, 4_000));
    const replies = rig.slack.replies(CHANNEL, root.ts);
    const withFiles = replies.filter((m) => m.files?.length);
    expect(withFiles.map((m) => m.files!.map((f) => [f.name, f.content]))).toEqual([[['eks.md', REPORT]]]);
    expect(replies.filter((m) => /could not attach/.test(m.text))).toEqual([]);
  }, 60_000);

  it('Slack shares the files a few seconds after the call (asynchronously): the check waits for the share', async () => {
    rig = await startRig({ env: { SLACK_CALL_TIMEOUT_SECONDS: '1' } });
    rig.harness.enqueue(reportAnswer());
    rig.slack.slowDown('files.completeUploadExternal', 2_500, 1);
    rig.slack.delayFileShares(4_000);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts, 30_000);
    await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).find((m) => m.files?.length),
      20_000,
      'the attached report',
    );
    // A second completion would show its share up to 4 s after it was sent.
    await new Promise((r) => setTimeout(r, 6_000));
    const replies = rig.slack.replies(CHANNEL, root.ts);
    expect(replies.filter((m) => m.files?.length)).toHaveLength(1);
    expect(rig.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(replies.filter((m) => /could not attach/.test(m.text))).toEqual([]);
  }, 60_000);
});
