/**
 * The query-protocol services of the control-plane stand-in (IAM GetRole / SimulatePrincipalPolicy, STS
 * GetCallerIdentity): XML answers, and SimulatePrincipalPolicy decided by the real IAM policy evaluator
 * over the role's policies, so a missing statement is found, not assumed.
 */

import { type ControlPlaneState, modelled, required, ServiceError } from './aws-control-plane-model.ts';
import { evaluate } from './iam-authorizer.ts';

export async function queryOp(
  s: ControlPlaneState,
  service: string,
  op: string,
  p: URLSearchParams,
): Promise<string> {
  if (service === 'sts' && op === 'GetCallerIdentity') {
    return `<Arn>${s.callerArn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${s.account}</Account>`;
  }
  if (service === 'iam' && op === 'GetRole') {
    const name = required(p.get('RoleName'), 'RoleName');
    const role = s.roles.get(name);
    if (!role)
      throw modelled('GetRole', 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
    return `<Role><Path>/</Path><RoleName>${esc(name)}</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>${role.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${esc(encodeURIComponent(JSON.stringify(role.trust)))}</AssumeRolePolicyDocument></Role>`;
  }
  if (service === 'iam' && op === 'SimulatePrincipalPolicy') {
    const source = required(p.get('PolicySourceArn'), 'PolicySourceArn');
    const actions = members(p, 'ActionNames');
    if (actions.length === 0)
      throw modelled(
        'SimulatePrincipalPolicy',
        'InvalidInputException',
        'ActionNames must contain at least one action',
      );
    const role = [...s.roles.values()].find((r) => r.arn === source);
    if (!role)
      throw modelled(
        'SimulatePrincipalPolicy',
        'NoSuchEntityException',
        `The user, group or role ${source} cannot be found.`,
      );
    const resources = members(p, 'ResourceArns');
    const context: Record<string, string | string[]> = {};
    for (let i = 1; p.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
      const key = p.get(`ContextEntries.member.${i}.ContextKeyName`)!;
      const values = members(p, `ContextEntries.member.${i}.ContextKeyValues`);
      context[key] = p.get(`ContextEntries.member.${i}.ContextKeyType`)?.endsWith('List')
        ? values
        : (values[0] ?? '');
    }
    const results: string[] = [];
    for (const action of actions) {
      const decisions: string[] = [];
      for (const resource of resources.length ? resources : ['*']) {
        const r = await evaluate(
          { policies: role.policies, accountId: s.account, principalArn: source },
          { action, resource, context },
        );
        decisions.push(
          r === 'Allowed' ? 'allowed' : r === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny',
        );
      }
      const overall = decisions.includes('explicitDeny')
        ? 'explicitDeny'
        : decisions.every((d) => d === 'allowed')
          ? 'allowed'
          : 'implicitDeny';
      results.push(
        `<member><EvalActionName>${action}</EvalActionName><EvalResourceName>${esc(resources[0] ?? '*')}</EvalResourceName><EvalDecision>${overall}</EvalDecision><MatchedStatements/><MissingContextValues/></member>`,
      );
    }
    return `<IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults>`;
  }
  throw new ServiceError(400, 'InvalidAction', `Could not find operation ${op} for version`);
}

export function members(p: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${name}.member.${i}`); i++) out.push(p.get(`${name}.member.${i}`)!);
  return out;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
