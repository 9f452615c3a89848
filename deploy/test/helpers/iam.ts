import type { CfnTemplate } from './synth.ts';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Every identity-policy statement in the template, keyed by the logical id of each role it is attached to. */
export function statementsByRole(json: CfnTemplate): Map<string, Statement[]> {
  const out = new Map<string, Statement[]>();
  const add = (roleId: string, statements: Statement[]) => {
    out.set(roleId, [...(out.get(roleId) ?? []), ...statements]);
  };
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      const doc = r.Properties?.PolicyDocument as { Statement: Statement[] };
      for (const role of asArray(r.Properties?.Roles as unknown[])) {
        add((role as { Ref: string }).Ref, doc.Statement);
      }
    }
    if (r.Type === 'AWS::IAM::Role') {
      if (!out.has(id)) out.set(id, []);
      for (const p of asArray(r.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[])) {
        add(id, p.PolicyDocument.Statement);
      }
    }
  }
  return out;
}

/** All statements of all policies in the template. */
export function allStatements(json: CfnTemplate): Statement[] {
  return [...statementsByRole(json).values()].flat();
}

/** IAM-style wildcard match of an action pattern against a concrete action (case-insensitive, as IAM does). */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** Does any Allow statement grant `action` (directly or through a wildcard)? */
export function allows(statements: Statement[], action: string): boolean {
  return statements.some(
    (s) => s.Effect === 'Allow' && asArray(s.Action).some((a) => actionMatches(a, action)),
  );
}

/** Read-style verbs: a wildcard may only complete one of these. */
export const READ_VERB = /^(Describe|List|Get|BatchGet)/;

/** Is this action a read (by its verb)? */
export function isRead(action: string): boolean {
  const verb = action.split(':')[1] ?? '';
  return READ_VERB.test(verb) || /^(FilterLogEvents|StartQuery|StopQuery|LookupEvents|Search)/.test(verb);
}
