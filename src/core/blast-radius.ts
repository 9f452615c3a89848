/**
 * Blast radius, resolved the way FIS resolves a target: explicit resource ARNs as given; resource
 * tags through the tagging API (every tag, exact value, of the target's resource type); then the
 * target's `filters` evaluated against each resource's description (a filter's `path` into what the
 * service's Describe API returns, e.g. `State.Name` or `Placement.AvailabilityZone` for EC2 instances:
 * every filter must match, any of its values); then the selection mode (ALL, COUNT(n), PERCENT(p))
 * picks from that pool at start. The bot shows the pool, how many FIS will act on, what share of the
 * pool that is, and the AZs the pool's resources are in (from their descriptions); it resolves again at
 * start and refuses when the pool grew or holds resources the approver never saw.
 *
 * What the bot cannot see is said, never guessed: for a resource type whose descriptions the bot cannot
 * read, filters are not evaluated (the count shown is an upper bound, and the AZs are only those an AZ
 * filter names), and targets FIS resolves inside a service (Kubernetes pods by label, targets chosen
 * only by parameters) are marked unresolved.
 */
import type { FisTemplate } from './fis.ts';
import type { TaggingPort } from './tagging.ts';
import type { ResourceDescriptionPort } from './target-health.ts';

export interface ResolvedTarget {
  name: string;
  resourceType: string;
  selectionMode: string;
  how: 'arns' | 'tags' | 'unresolved';
  /** The pool FIS selects from, sorted ARNs (empty when unresolved). */
  pool: string[];
  /** How many FIS acts on at most (the selection mode applied to the pool). */
  selected: number;
  /**
   * Availability Zones of the pool: from the resources' descriptions, or else the ones an AZ filter limits the
   * target to; undefined when unknown.
   */
  azs?: string[];
  /** What the bot could not check about this target. */
  caveat?: string;
}

export interface BlastRadius {
  targets: ResolvedTarget[];
}

export interface RadiusLimits {
  /** Most of a target's pool FIS may act on, in percent (undefined: no limit). */
  maxPercent?: number;
  /** Most Availability Zones one target may span (undefined: no limit). */
  maxAzs?: number;
}

/** FIS resource types whose tag-based resolution the tagging API reproduces, with its type filter. */
const TAGGING_TYPE: Record<string, string> = {
  'aws:ec2:instance': 'ec2:instance',
  'aws:ec2:spot-instance': 'ec2:instance',
  'aws:ec2:subnet': 'ec2:subnet',
  'aws:ec2:transit-gateway': 'ec2:transit-gateway',
  'aws:ecs:cluster': 'ecs:cluster',
  'aws:ecs:task': 'ecs:task',
  'aws:eks:nodegroup': 'eks:nodegroup',
  'aws:elasticache:replicationgroup': 'elasticache:replicationgroup',
  'aws:lambda:function': 'lambda:function',
  'aws:rds:cluster': 'rds:cluster',
  'aws:rds:db': 'rds:db',
  'aws:dynamodb:global-table': 'dynamodb:table',
  'aws:s3:bucket': 's3',
};

const AZ_FILTER = /^(Placement\.AvailabilityZone|AvailabilityZone|AvailabilityZones)$/;

/** `ALL` → the pool; `COUNT(n)` → min(n, pool); `PERCENT(p)` → p% of the pool rounded up (the larger, to be safe). */
export function selectedCount(mode: string, pool: number): number | undefined {
  if (mode === 'ALL') return pool;
  const count = /^COUNT\((\d+)\)$/.exec(mode);
  if (count) return Math.min(Number(count[1]), pool);
  const pct = /^PERCENT\((\d+)\)$/.exec(mode);
  if (pct) return Math.min(pool, Math.ceil((Number(pct[1]) * pool) / 100));
  return undefined;
}

export async function resolveBlastRadius(
  tagging: TaggingPort,
  region: string,
  t: FisTemplate,
  descriptions?: ResourceDescriptionPort,
): Promise<BlastRadius> {
  const targets: ResolvedTarget[] = [];
  for (const [name, target] of Object.entries(t.targets).sort(([a], [b]) => a.localeCompare(b))) {
    const resourceType = target.resourceType ?? '?';
    const selectionMode = target.selectionMode ?? 'ALL';
    const filters = target.filters ?? [];
    let pool: string[] | undefined;
    let how: ResolvedTarget['how'] = 'unresolved';
    let caveat: string | undefined;
    let azs: string[] | undefined;
    if (target.resourceArns?.length) {
      pool = [...new Set(target.resourceArns)].sort();
      how = 'arns';
    } else if (target.resourceTags && Object.keys(target.resourceTags).length && TAGGING_TYPE[resourceType]) {
      const found = await tagging.findResources(region, TAGGING_TYPE[resourceType]!, target.resourceTags);
      pool = found.map((r) => r.arn).sort();
      how = 'tags';
    } else {
      caveat = `FIS resolves this ${resourceType} target itself${target.parameters ? ' (from its parameters)' : ''}; the bot cannot list it in advance`;
    }
    if (pool && descriptions?.describes(resourceType)) {
      // Read what FIS reads: a resource that no longer exists is not a target, and every filter must match.
      const described = await descriptions.describe(region, resourceType, pool);
      pool = pool.filter((arn) => {
        const d = described.get(arn);
        return d !== undefined && filters.every((f) => matches(d, f.path ?? '', f.values ?? []));
      });
      const zones = pool.map((arn) => descriptions.availabilityZone(resourceType, described.get(arn)!));
      if (zones.every((z) => z !== undefined)) azs = [...new Set(zones.flat() as string[])].sort();
    } else {
      const azFilters = filters.filter((f) => AZ_FILTER.test(f.path ?? ''));
      if (azFilters.length) azs = [...new Set(azFilters.flatMap((f) => f.values ?? []))].sort();
      if (pool && filters.length)
        caveat = `the bot cannot read ${resourceType} descriptions, so the filters ${filters.map((f) => `\`${f.path}\``).join(', ')} are not evaluated: the count shown is an upper bound`;
    }
    const selected = pool ? selectedCount(selectionMode, pool.length) : undefined;
    targets.push({
      name,
      resourceType,
      selectionMode,
      ...(azs ? { azs } : {}),
      how,
      pool: pool ?? [],
      selected: selected ?? pool?.length ?? 0,
      ...(selected === undefined && pool
        ? { caveat: `selection mode ${selectionMode} is not one the bot knows; counted as ALL` }
        : caveat
          ? { caveat }
          : {}),
    });
  }
  return { targets };
}

/**
 * Whether a resource description matches a FIS filter: the value at `path` (dot-separated keys; a list on
 * the way matches when any element does) equals one of `values`.
 */
export function matches(description: unknown, path: string, values: readonly string[]): boolean {
  return valuesAt(description, path.split('.')).some((v) => values.includes(String(v)));
}

function valuesAt(node: unknown, keys: string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesAt(n, keys));
  if (keys.length === 0) return node === undefined || node === null ? [] : [node];
  if (!node || typeof node !== 'object') return [];
  return valuesAt((node as Record<string, unknown>)[keys[0]!], keys.slice(1));
}

/** Limits this blast radius breaks; empty when within them. A limit the bot cannot verify counts as broken. */
export function limitProblems(r: BlastRadius, limits: RadiusLimits): string[] {
  const out: string[] = [];
  for (const t of r.targets) {
    if (limits.maxPercent !== undefined) {
      if (t.how === 'unresolved')
        out.push(
          `target \`${t.name}\` cannot be resolved by the bot, so the ${limits.maxPercent}% limit cannot be checked`,
        );
      else if (t.pool.length > 0 && (t.selected * 100) / t.pool.length > limits.maxPercent)
        out.push(
          `target \`${t.name}\` acts on ${t.selected} of ${t.pool.length} (${share(t)}), over the ${limits.maxPercent}% limit`,
        );
    }
    if (limits.maxAzs !== undefined) {
      if (!t.azs)
        out.push(
          `target \`${t.name}\` is not limited to named Availability Zones (no AZ filter), so the ${limits.maxAzs}-AZ limit cannot be checked`,
        );
      else if (t.azs.length > limits.maxAzs)
        out.push(
          `target \`${t.name}\` spans ${t.azs.length} Availability Zones, over the limit of ${limits.maxAzs}`,
        );
    }
  }
  return out;
}

export function share(t: ResolvedTarget): string {
  return t.pool.length ? `${Math.round((t.selected * 100) / t.pool.length)}%` : '0%';
}

export interface RadiusChange {
  /** Per target: resources in the pool now that the card did not show. */
  added: Array<{ target: string; arns: string[] }>;
  /** Per target: resources shown on the card that are gone now. */
  removed: Array<{ target: string; arns: string[] }>;
  /** Targets resolvable at card time that no longer are, or the other way round. */
  other: string[];
}

/** How the blast radius at start differs from the one approved. */
export function radiusChange(approved: BlastRadius, now: BlastRadius): RadiusChange {
  const change: RadiusChange = { added: [], removed: [], other: [] };
  const before = new Map(approved.targets.map((t) => [t.name, t]));
  for (const t of now.targets) {
    const was = before.get(t.name);
    if (!was) {
      change.other.push(`target \`${t.name}\` was not on the card`);
      continue;
    }
    if (was.how !== t.how)
      change.other.push(`target \`${t.name}\` resolves differently (${was.how} → ${t.how})`);
    const shown = new Set(was.pool);
    const current = new Set(t.pool);
    const added = t.pool.filter((a) => !shown.has(a));
    const removed = was.pool.filter((a) => !current.has(a));
    if (added.length) change.added.push({ target: t.name, arns: added });
    if (removed.length) change.removed.push({ target: t.name, arns: removed });
    if (t.selected > was.selected)
      change.other.push(`target \`${t.name}\` now acts on ${t.selected} resources, not ${was.selected}`);
  }
  return change;
}

/** `i-0abc…` from an ARN: the part after the resource type, for compact lists. */
export function shortArn(arn: string): string {
  const rest = arn.split(':').slice(5).join(':');
  return rest.split('/').at(-1) || rest;
}
