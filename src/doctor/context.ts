/**
 * What every check sees: the bot's validated configuration, the probes (Slack, AWS), what the repository
 * declares (manifest scopes, skills) and a memo so that checks sharing a lookup (the harness, the caller)
 * make each call once.
 */
import type { Config } from '../config.ts';
import type { DoctorAws, SlackProbe } from './ports.ts';
import type { SkillFile } from './skill-actions.ts';

export interface Cluster {
  name: string;
  region: string;
}

export interface DoctorContext {
  config: Config;
  slack: SlackProbe;
  /** Absent in the startup self-check (it makes no AWS control-plane call). */
  aws?: DoctorAws;
  /** The session store, when the caller has one open (the startup self-check). */
  store?: { ping(): Promise<void> };
  /** Bot scopes manifest.yml asks for. */
  manifestScopes?: string[];
  /** The skills' files (the repository's skills/), for the harness role's contract. */
  skills?: Array<{ name: string; files: SkillFile[] }>;
  /** EKS clusters the agent will assess (`--cluster name@region`). */
  clusters: Cluster[];
  /** The role the bot runs as; default: the doctor's own identity when it is an assumed role. */
  botRoleArn?: string;
  memo: Map<string, Promise<unknown>>;
}

/** One call per key per run; a failed lookup fails every check that needs it, each saying so. */
export function once<T>(ctx: DoctorContext, key: string, fn: () => Promise<T>): Promise<T> {
  let p = ctx.memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fn();
    // Callers handle the rejection; this keeps an unobserved copy from being reported as unhandled.
    p.catch(() => {});
    ctx.memo.set(key, p);
  }
  return p;
}

/** Thrown by a check whose prerequisite failed: reported as SKIP naming the check to fix first. */
export class Prerequisite extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Prerequisite';
  }
}

/** The AWS probe, or a Prerequisite saying the doctor runs without AWS. */
export function awsOf(ctx: DoctorContext): DoctorAws {
  if (!ctx.aws) throw new Prerequisite('AWS checks are not part of this run');
  return ctx.aws;
}
