/**
 * A local stand-in for the two EC2 reads the approval gate makes, DescribeInstances (target filters and
 * AZs, as FIS evaluates them) and DescribeInstanceStatus (target health after an experiment), spoken in
 * the EC2 query protocol as @aws-sdk/client-ec2 does. Reached through AWS_ENDPOINT_URL_EC2.
 *
 * As strict as the service (test/contract/ec2-emulator.test.ts checks it through the real SDK): SigV4 for
 * the `ec2` signing name, each region its own instances; an instance id that is malformed or unknown fails
 * the whole call (InvalidInstanceID.Malformed / InvalidInstanceID.NotFound, as EC2 does); at most 100
 * explicit ids for DescribeInstanceStatus; MaxResults cannot be combined with instance ids; parameters the
 * stand-in does not implement are refused rather than ignored; DescribeInstanceStatus reports running
 * instances only unless IncludeAllInstances is true, and no status checks for instances not running.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
/** EC2's status-check summary values. */
export type CheckStatus = 'ok' | 'impaired' | 'initializing' | 'insufficient-data' | 'not-applicable';

const STATE_CODE: Record<InstanceState, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface EmulatedInstance {
  id: string;
  region: string;
  account: string;
  az: string;
  state: InstanceState;
  instanceType: string;
  /** Status checks while running (EC2 reports none otherwise). */
  instanceStatus: CheckStatus;
  systemStatus: CheckStatus;
  tags: Record<string, string>;
  /** 'spot' for a Spot Instance (EC2 reports InstanceLifecycle only then); on-demand otherwise. */
  lifecycle?: 'spot';
}

export interface Ec2Call {
  action: string;
  region: string;
  params: Record<string, string>;
}

const VERSION = '2016-11-15';
const ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ACCEPTED: Record<string, RegExp> = {
  DescribeInstances: /^(Action|Version|InstanceId\.\d+|MaxResults|NextToken|DryRun)$/,
  DescribeInstanceStatus:
    /^(Action|Version|InstanceId\.\d+|IncludeAllInstances|MaxResults|NextToken|DryRun)$/,
};

export class Ec2Emulator extends LoopbackService {
  readonly calls: Ec2Call[] = [];
  private readonly instances = new Map<string, EmulatedInstance>();

  /** An instance (running with checks ok unless said otherwise), from its ARN or in the given region. */
  putInstance(arn: string, o: Partial<Omit<EmulatedInstance, 'id' | 'region' | 'account'>> = {}): void {
    const m = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+):(\d{12}):instance\/(i-[0-9a-f]+)$/.exec(arn);
    if (!m) throw new Error(`not an EC2 instance ARN: ${arn}`);
    const before = this.instances.get(m[3]!);
    this.instances.set(m[3]!, {
      id: m[3]!,
      region: m[1]!,
      account: m[2]!,
      az: `${m[1]!}a`,
      state: 'running',
      instanceType: 't3.micro',
      instanceStatus: 'ok',
      systemStatus: 'ok',
      tags: {},
      ...before,
      ...o,
    });
  }

  /** Changes an instance's state or checks (an experiment stopping it, a reboot, a failing check). */
  setInstance(
    id: string,
    o: Partial<Pick<EmulatedInstance, 'state' | 'instanceStatus' | 'systemStatus'>>,
  ): void {
    const i = this.instances.get(id);
    if (!i) throw new Error(`no instance ${id}`);
    Object.assign(i, o);
  }

  /** The instance is gone from EC2 altogether (DescribeInstances answers NotFound for it). */
  forget(id: string): void {
    this.instances.delete(id);
  }

  clear(): void {
    this.instances.clear();
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalError', String(err));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await bodyText(req);
    const params = Object.fromEntries(new URLSearchParams(text));
    const scope = signedRegion(req.headers.authorization);
    this.calls.push({ action: params.Action ?? '', region: scope?.region ?? '', params });
    if (scope?.service !== 'ec2')
      return error(res, 401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    const accepted = ACCEPTED[params.Action ?? ''];
    if (!accepted || params.Version !== VERSION)
      return error(
        res,
        400,
        'InvalidAction',
        `The action ${params.Action} is not valid for this web service.`,
      );
    const unknown = Object.keys(params).find((k) => !accepted.test(k));
    if (unknown) return error(res, 400, 'UnknownParameter', `The parameter ${unknown} is not recognized`);
    const ids = Object.entries(params)
      .filter(([k]) => k.startsWith('InstanceId.'))
      .sort(([a], [b]) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .map(([, v]) => v);
    if (ids.length && params.MaxResults !== undefined)
      return error(
        res,
        400,
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    if (params.Action === 'DescribeInstanceStatus' && ids.length > 100)
      return error(res, 400, 'InvalidParameterValue', 'The maximum number of instance IDs is 100');
    const malformed = ids.find((id) => !ID.test(id));
    if (malformed) return error(res, 400, 'InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
    const here = [...this.instances.values()].filter((i) => i.region === scope.region);
    const missing = ids.filter((id) => !here.some((i) => i.id === id));
    if (missing.length)
      return error(
        res,
        400,
        'InvalidInstanceID.NotFound',
        missing.length === 1
          ? `The instance ID '${missing[0]}' does not exist`
          : `The instance IDs '${missing.join(', ')}' do not exist`,
      );
    const chosen = ids.length ? ids.map((id) => here.find((i) => i.id === id)!) : here;
    const requestId = randomUUID();
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
    if (params.Action === 'DescribeInstances') {
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/${VERSION}/"><requestId>${requestId}</requestId><reservationSet>${chosen.map(reservation).join('')}</reservationSet></DescribeInstancesResponse>`,
      );
      return;
    }
    const all = params.IncludeAllInstances === 'true';
    const reported = chosen.filter((i) => all || i.state === 'running');
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/${VERSION}/"><requestId>${requestId}</requestId><instanceStatusSet>${reported.map(statusItem).join('')}</instanceStatusSet></DescribeInstanceStatusResponse>`,
    );
  }
}

function reservation(i: EmulatedInstance): string {
  const tags = Object.entries(i.tags)
    .map(([k, v]) => `<item><key>${x(k)}</key><value>${x(v)}</value></item>`)
    .join('');
  return `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>${i.account}</ownerId><groupSet/><instancesSet><item><instanceId>${i.id}</instanceId><imageId>ami-0abcdef1234567890</imageId>${state(i)}<instanceType>${i.instanceType}</instanceType>${i.lifecycle ? `<instanceLifecycle>${i.lifecycle}</instanceLifecycle>` : ''}<placement><availabilityZone>${i.az}</availabilityZone><tenancy>default</tenancy></placement>${tags ? `<tagSet>${tags}</tagSet>` : ''}</item></instancesSet></item>`;
}

function statusItem(i: EmulatedInstance): string {
  const running = i.state === 'running';
  const check = (s: CheckStatus) =>
    `<status>${running ? s : 'not-applicable'}</status><details><item><name>reachability</name><status>${!running ? 'not-applicable' : s === 'ok' ? 'passed' : s === 'impaired' ? 'failed' : s}</status></item></details>`;
  return `<item><instanceId>${i.id}</instanceId><availabilityZone>${i.az}</availabilityZone>${state(i)}<systemStatus>${check(i.systemStatus)}</systemStatus><instanceStatus>${check(i.instanceStatus)}</instanceStatus></item>`;
}

function state(i: EmulatedInstance): string {
  return `<instanceState><code>${STATE_CODE[i.state]}</code><name>${i.state}</name></instanceState>`;
}

function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** EC2's error document (no namespace, RequestID at the end). */
function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${x(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  );
}
