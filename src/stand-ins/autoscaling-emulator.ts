/**
 * A local stand-in for the one Auto Scaling read the approval gate makes, DescribeAutoScalingGroups (target
 * filters and AZs on the card, group health after an experiment), spoken in the AWS query protocol with XML
 * answers as @aws-sdk/client-auto-scaling does; its tag filters stand in for the tagging API, which lists no
 * Auto Scaling groups. Reached through AWS_ENDPOINT_URL_AUTO_SCALING.
 *
 * As strict as the service (test/contract/autoscaling-emulator.test.ts drives it with the real SDK): SigV4 for
 * the `autoscaling` signing name, each region its own groups; MaxRecords 1..100 (default 50); at most 50
 * names unless MaxRecords allows more (the SDK model's documentation); pages carry a NextToken that is valid
 * only for the query it came from (InvalidNextToken, a modelled error); a name that matches no group is left
 * out of the answer, not an error, as Auto Scaling answers; parameters the stand-in does not implement are
 * refused rather than ignored.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

const VERSION = '2011-01-01';
const NS = `http://autoscaling.amazonaws.com/doc/${VERSION}/`;
const ACCEPTED =
  /^(Action|Version|AutoScalingGroupNames\.member\.\d+|MaxRecords|NextToken|IncludeInstances|Filters\.member\.\d+\.(Name|Values\.member\.\d+))$/;

export type LifecycleState =
  | 'Pending'
  | 'InService'
  | 'Terminating'
  | 'Terminated'
  | 'Standby'
  | 'Detaching'
  | 'Warmed:Running';

export interface EmulatedAsgInstance {
  id: string;
  az: string;
  lifecycle: LifecycleState;
  health: 'Healthy' | 'Unhealthy';
}

export interface EmulatedGroup {
  name: string;
  region: string;
  account: string;
  min: number;
  max: number;
  desired: number;
  azs: string[];
  instances: EmulatedAsgInstance[];
  tags: Record<string, string>;
  /** Set while the group is being deleted ("Delete in progress"). */
  status?: string;
}

export class AutoScalingEmulator extends LoopbackService {
  readonly calls: Array<{ action: string; region: string; params: Record<string, string> }> = [];
  /** `<region>/<name>` → group. */
  private readonly groups = new Map<string, EmulatedGroup>();

  /** A group with `desired` healthy in-service instances spread over its AZs, unless said otherwise. */
  putGroup(
    region: string,
    name: string,
    o: Partial<Omit<EmulatedGroup, 'name' | 'region'>> & { desired: number },
  ): EmulatedGroup {
    const azs = o.azs ?? [`${region}a`, `${region}b`];
    const g: EmulatedGroup = {
      name,
      region,
      account: '123456789012',
      min: 0,
      max: Math.max(o.desired, 1),
      azs,
      tags: {},
      instances: Array.from({ length: o.desired }, (_, i) => ({
        id: `i-${createHash('sha256').update(`${region}/${name}/${i}`).digest('hex').slice(0, 17)}`,
        az: azs[i % azs.length]!,
        lifecycle: 'InService' as const,
        health: 'Healthy' as const,
      })),
      ...o,
    };
    this.groups.set(`${region}/${name}`, g);
    return g;
  }

  group(region: string, name: string): EmulatedGroup {
    const g = this.groups.get(`${region}/${name}`);
    if (!g) throw new Error(`no group ${name} in ${region}`);
    return g;
  }

  /** The group is deleted: DescribeAutoScalingGroups no longer lists it. */
  remove(region: string, name: string): void {
    this.groups.delete(`${region}/${name}`);
  }

  clear(): void {
    this.groups.clear();
  }

  /** The ARN Auto Scaling gives a group (its id part is stable per name here). */
  static arnOf(g: Pick<EmulatedGroup, 'region' | 'account' | 'name'>): string {
    const h = createHash('sha256').update(g.name).digest('hex');
    const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    return `arn:aws:autoscaling:${g.region}:${g.account}:autoScalingGroup:${uuid}:autoScalingGroupName/${g.name}`;
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalFailure', String(err), 'Receiver');
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await bodyText(req)));
    const scope = signedRegion(req.headers.authorization);
    this.calls.push({ action: params.Action ?? '', region: scope?.region ?? '', params });
    if (scope?.service !== 'autoscaling')
      return error(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (params.Action !== 'DescribeAutoScalingGroups' || params.Version !== VERSION)
      return error(
        res,
        400,
        'InvalidAction',
        `Could not find operation ${params.Action} for version ${params.Version}`,
      );
    const unknown = Object.keys(params).find((k) => !ACCEPTED.test(k));
    if (unknown) return error(res, 400, 'ValidationError', `Unsupported parameter ${unknown}`);
    const names = Object.entries(params)
      .filter(([k]) => k.startsWith('AutoScalingGroupNames.member.'))
      .sort(([a], [b]) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
      .map(([, v]) => v);
    const max = params.MaxRecords === undefined ? 50 : Number(params.MaxRecords);
    if (!Number.isInteger(max) || max < 1 || max > 100)
      return error(
        res,
        400,
        'ValidationError',
        `1 validation error detected: Value '${params.MaxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    if (names.length > Math.max(50, max))
      return error(
        res,
        400,
        'ValidationError',
        `The number of group names (${names.length}) exceeds the limit.`,
      );
    const bad = names.find((n) => n.length < 1 || n.length > 255);
    if (bad !== undefined)
      return error(
        res,
        400,
        'ValidationError',
        `1 validation error detected: Value '${bad}' at 'autoScalingGroupNames' failed to satisfy constraint: Member must have length between 1 and 255`,
      );
    const filters = tagFilters(params);
    if (typeof filters === 'string') return error(res, 400, 'ValidationError', filters);
    const matching = [...this.groups.values()]
      .filter((g) => g.region === scope.region && (names.length === 0 || names.includes(g.name)))
      .filter((g) => filters.every((f) => f.matches(g.tags)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const query = createHash('sha256')
      .update(`${scope.region}|${names.join(',')}|${JSON.stringify(filters.map((f) => f.key))}`)
      .digest('hex')
      .slice(0, 16);
    let from = 0;
    if (params.NextToken !== undefined) {
      const m = /^([0-9a-f]{16})\.(\d+)$/.exec(params.NextToken);
      if (!m || m[1] !== query)
        return error(res, 400, 'InvalidNextToken', 'The token is not valid for this request.');
      from = Number(m[2]);
    }
    const page = matching.slice(from, from + max);
    const next = from + max < matching.length ? `<NextToken>${query}.${from + max}</NextToken>` : '';
    const withInstances = params.IncludeInstances !== 'false';
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<DescribeAutoScalingGroupsResponse xmlns="${NS}"><DescribeAutoScalingGroupsResult><AutoScalingGroups>${page.map((g) => groupXml(g, withInstances)).join('')}</AutoScalingGroups>${next}</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`,
    );
  }
}

/**
 * The tag filters DescribeAutoScalingGroups documents (`tag:<key>`, `tag-key`, `tag-value`): every filter
 * must match, any of its values. Returns the problem when a filter is malformed.
 */
function tagFilters(
  params: Record<string, string>,
): Array<{ key: string; matches: (tags: Record<string, string>) => boolean }> | string {
  const out: Array<{ key: string; matches: (tags: Record<string, string>) => boolean }> = [];
  for (let i = 1; params[`Filters.member.${i}.Name`] !== undefined; i++) {
    const name = params[`Filters.member.${i}.Name`]!;
    const values: string[] = [];
    for (let j = 1; params[`Filters.member.${i}.Values.member.${j}`] !== undefined; j++)
      values.push(params[`Filters.member.${i}.Values.member.${j}`]!);
    if (values.length === 0) return `Filter ${name} must have at least one value.`;
    const key = `${name}=${values.join(',')}`;
    if (name.startsWith('tag:')) {
      const k = name.slice(4);
      out.push({ key, matches: (t) => k in t && values.includes(t[k]!) });
    } else if (name === 'tag-key')
      out.push({ key, matches: (t) => Object.keys(t).some((k) => values.includes(k)) });
    else if (name === 'tag-value')
      out.push({ key, matches: (t) => Object.values(t).some((v) => values.includes(v)) });
    else return `The filter '${name}' is not supported.`;
  }
  return out;
}

function groupXml(g: EmulatedGroup, withInstances: boolean): string {
  const arn = AutoScalingEmulator.arnOf(g);
  const azs = g.azs.map((a) => `<member>${x(a)}</member>`).join('');
  const instances = withInstances
    ? `<Instances>${g.instances
        .map(
          (i) =>
            `<member><InstanceId>${i.id}</InstanceId><InstanceType>t3.micro</InstanceType><AvailabilityZone>${x(i.az)}</AvailabilityZone><LifecycleState>${i.lifecycle}</LifecycleState><HealthStatus>${i.health}</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`,
        )
        .join('')}</Instances>`
    : '';
  const tags = Object.entries(g.tags)
    .map(
      ([k, v]) =>
        `<member><ResourceId>${x(g.name)}</ResourceId><ResourceType>auto-scaling-group</ResourceType><Key>${x(k)}</Key><Value>${x(v)}</Value><PropagateAtLaunch>true</PropagateAtLaunch></member>`,
    )
    .join('');
  return `<member><AutoScalingGroupName>${x(g.name)}</AutoScalingGroupName><AutoScalingGroupARN>${x(arn)}</AutoScalingGroupARN><MinSize>${g.min}</MinSize><MaxSize>${g.max}</MaxSize><DesiredCapacity>${g.desired}</DesiredCapacity><DefaultCooldown>300</DefaultCooldown><AvailabilityZones>${azs}</AvailabilityZones><HealthCheckType>EC2</HealthCheckType><HealthCheckGracePeriod>300</HealthCheckGracePeriod>${instances}<CreatedTime>2026-01-01T00:00:00.000Z</CreatedTime><Tags>${tags}</Tags>${g.status ? `<Status>${x(g.status)}</Status>` : ''}</member>`;
}

function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The query protocol's error document. */
function error(res: ServerResponse, status: number, code: string, message: string, type = 'Sender'): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${x(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}
