/**
 * The bot's view of AWS FIS: plain types and the small port the approval gate needs. The bot, not
 * the agent, reads templates and starts or stops experiments, with its own credentials.
 */

export interface FisTemplate {
  id: string;
  description?: string;
  targets: Record<
    string,
    {
      resourceType?: string;
      selectionMode?: string;
      resourceArns?: string[];
      resourceTags?: Record<string, string>;
      filters?: Array<{ path?: string; values?: string[] }>;
      parameters?: Record<string, string>;
    }
  >;
  actions: Record<
    string,
    {
      actionId?: string;
      description?: string;
      parameters?: Record<string, string>;
      targets?: Record<string, string>;
      startAfter?: string[];
    }
  >;
  stopConditions: Array<{ source?: string; value?: string }>;
  roleArn?: string;
  tags?: Record<string, string>;
  logConfiguration?: unknown;
  experimentOptions?: Record<string, string>;
}

export type ExperimentStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'stopped',
  'failed',
  'cancelled',
]);

/** ExperimentState.error: why an experiment failed (FIS troubleshooting guide lists the codes). */
export interface FisExperimentError {
  code?: string;
  location?: string;
  accountId?: string;
}

/** What an experiment was started with: FIS copies it from the template at start. */
export interface FisDefinition {
  actions: FisTemplate['actions'];
  targets: FisTemplate['targets'];
  stopConditions: FisTemplate['stopConditions'];
  roleArn?: string;
}

export interface FisExperiment {
  id: string;
  templateId: string;
  status: ExperimentStatus | string;
  reason?: string;
  error?: FisExperimentError;
  tags?: Record<string, string>;
  /** Present when FIS returned the full experiment (StartExperiment, GetExperiment). */
  definition?: FisDefinition;
}

/** A target account configuration of a multi-account template (ListTargetAccountConfigurations). */
export interface FisTargetAccount {
  accountId: string;
  roleArn?: string;
  description?: string;
}

export class FisError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** FIS answered and refused (a modeled client error), as opposed to no answer or a server fault. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'FisError';
  }
}

/**
 * Where what FIS started differs from what was approved: actions (id, parameters, targets, order),
 * targets (type, resources, tags, filters, selection mode, parameters), stop conditions and role.
 * Empty when they match. Each entry reads `path: approved X, started Y`.
 */
export function definitionDifferences(approved: FisTemplate, started: FisDefinition): string[] {
  const pick = (d: FisDefinition) => ({
    actions: Object.fromEntries(
      Object.entries(d.actions ?? {}).map(([k, a]) => [
        k,
        { actionId: a.actionId, parameters: a.parameters, targets: a.targets, startAfter: a.startAfter },
      ]),
    ),
    targets: Object.fromEntries(
      Object.entries(d.targets ?? {}).map(([k, t]) => [
        k,
        {
          resourceType: t.resourceType,
          resourceArns: t.resourceArns,
          resourceTags: t.resourceTags,
          filters: t.filters,
          selectionMode: t.selectionMode,
          parameters: t.parameters,
        },
      ]),
    ),
    stopConditions: (d.stopConditions ?? []).map((s) => ({ source: s.source, value: s.value })),
    roleArn: d.roleArn,
  });
  const a = flatten(pick(approved));
  const b = flatten(pick(started));
  const out: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(path) !== b.get(path))
      out.push(`${path}: approved ${a.get(path) ?? '(none)'}, started ${b.get(path) ?? '(none)'}`);
  }
  return out;
}

/** Leaf paths to JSON values; empty objects/arrays and undefined count as absent. */
function flatten(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object') {
    out.set(path, JSON.stringify(v));
    return out;
  }
  if (Array.isArray(v)) {
    // startAfter and filter values are sets in FIS: order does not change the experiment.
    if (v.every((x) => typeof x !== 'object')) {
      if (v.length) out.set(path, JSON.stringify([...v].map(String).sort()));
      return out;
    }
    for (const [i, x] of v.entries()) flatten(x, `${path}[${i}]`, out);
    return out;
  }
  for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}.${k}` : k, out);
  return out;
}

export interface FisPort {
  /** undefined when the template does not exist. */
  getTemplate(region: string, templateId: string): Promise<FisTemplate | undefined>;
  /**
   * Idempotent by clientToken: the same token never starts a second experiment. With `credentials`
   * (the scoped start role's session) the call is made as that session, not as the bot.
   */
  startExperiment(
    region: string,
    templateId: string,
    clientToken: string,
    tags: Record<string, string>,
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  ): Promise<FisExperiment>;
  getExperiment(region: string, experimentId: string): Promise<FisExperiment | undefined>;
  stopExperiment(region: string, experimentId: string): Promise<FisExperiment>;
  /**
   * Experiments in a region carrying tag `tagKey` (any value) created at or after `since` (ms), in any
   * state, as ListExperiments summarizes them (no definition).
   */
  listTaggedExperiments(region: string, tagKey: string, since: number): Promise<FisExperiment[]>;
  /** Every target account configuration of a template (a multi-account template acts in each). */
  listTargetAccounts(region: string, templateId: string): Promise<FisTargetAccount[]>;
  /** Experiments of this template carrying this tag, in any state (from ListExperiments, then GetExperiment). */
  findExperiments(
    region: string,
    templateId: string,
    tag: { key: string; value: string },
  ): Promise<FisExperiment[]>;
}
