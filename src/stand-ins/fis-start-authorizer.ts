/**
 * IAM for StartExperiment in the stand-ins: a request signed by a scoped STS session is allowed only
 * where its session policy allows fis:StartExperiment on the template and on the experiment (evaluated
 * by the real IAM policy evaluator in iam-authorizer.ts); the bot's own keys may start nothing when
 * the deployment gives starting to the start-only role. Loaded only by tests and the sandbox.
 */
import type { StartAuthorizer } from './fis-emulator.ts';
import { evaluate } from './iam-authorizer.ts';
import type { StsEmulator } from './sts-emulator.ts';

export function scopedStartAuthorizer(sts: StsEmulator, o: { ownKeysMayStart: boolean }): StartAuthorizer {
  return async (accessKeyId, resources) => {
    const session = sts.session(accessKeyId);
    if (!session) {
      return o.ownKeysMayStart
        ? undefined
        : `User: ${accessKeyId} is not authorized to perform: fis:StartExperiment on resource: ${resources.template} because no identity-based policy allows the fis:StartExperiment action`;
    }
    const account = /::(\d{12}):/.exec(session.roleArn)?.[1] ?? '123456789012';
    const caller = `arn:aws:sts::${account}:assumed-role/${session.roleArn.split('/').at(-1)}/${session.sessionName}`;
    if (!session.policy) return undefined;
    for (const resource of [resources.template, resources.experiment]) {
      const r = await evaluate(
        { policies: [JSON.parse(session.policy)], accountId: account, principalArn: caller },
        { action: 'fis:StartExperiment', resource },
      );
      if (r !== 'Allowed')
        return `User: ${caller} is not authorized to perform: fis:StartExperiment on resource: ${resource} because no session policy allows the fis:StartExperiment action`;
    }
    return undefined;
  };
}
