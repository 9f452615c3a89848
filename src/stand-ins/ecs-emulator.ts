/**
 * A local stand-in for the two ECS reads the recovery check makes, DescribeTasks (which service a target task
 * belongs to) and DescribeServices (running against desired count), in the awsJson1_1 protocol as
 * @aws-sdk/client-ecs speaks it. Reached through AWS_ENDPOINT_URL_ECS.
 *
 * As strict as the service (test/contract/ecs-emulator.test.ts checks it through the real SDK): SigV4 for the
 * `ecs` signing name, each region its own clusters; `services` is required and holds at most 10, `tasks` is
 * required and holds at most 100 (InvalidParameterException); an unknown cluster is ClusterNotFoundException;
 * an unknown service or task is not an error but a `failures` entry with reason MISSING, as ECS answers;
 * members the stand-in does not implement are refused rather than ignored.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedRegion } from './fis-emulator-model.ts';

const PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const ACCOUNT = '123456789012';

export interface EmulatedService {
  desired: number;
  running: number;
  pending?: number;
}

export interface EmulatedTask {
  /** `service:<name>` for a service's task, as ECS sets it. */
  group: string;
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';
  az: string;
}

export class EcsEmulator {
  readonly calls: Array<{ op: string; region: string; body: Record<string, unknown> }> = [];
  /** `<region>/<cluster>` → service name → service. */
  private readonly clusters = new Map<string, Map<string, EmulatedService>>();
  /** task ARN → task. */
  private readonly tasks = new Map<string, EmulatedTask>();
  private server: Server | undefined;
  url = '';

  putService(region: string, cluster: string, name: string, s: EmulatedService): void {
    const key = `${region}/${cluster}`;
    if (!this.clusters.has(key)) this.clusters.set(key, new Map());
    this.clusters.get(key)!.set(name, { ...s });
  }

  setService(region: string, cluster: string, name: string, s: Partial<EmulatedService>): void {
    Object.assign(this.clusters.get(`${region}/${cluster}`)!.get(name)!, s);
  }

  /** A task of a cluster (its ARN names region and cluster); the cluster must exist. */
  putTask(arn: string, t: EmulatedTask): void {
    this.tasks.set(arn, { ...t });
  }

  clear(): void {
    this.clusters.clear();
    this.tasks.clear();
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => error(res, 500, 'ServerException', String(err)));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
    const scope = signedRegion(req.headers.authorization);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return error(res, 400, 'SerializationException', 'The request body is not valid JSON');
    }
    this.calls.push({ op, region: scope?.region ?? '', body });
    if (scope?.service !== 'ecs')
      return error(res, 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const region = scope.region;
    const clusterName = typeof body.cluster === 'string' ? body.cluster.split('/').at(-1)! : 'default';
    const clusterArn = `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${clusterName}`;
    if (op === 'DescribeServices') {
      const unknown = Object.keys(body).find((k) => !['cluster', 'services'].includes(k));
      if (unknown) return error(res, 400, 'InvalidParameterException', `Unsupported member ${unknown}`);
      const names = body.services;
      if (!Array.isArray(names) || names.length === 0 || names.length > 10)
        return error(res, 400, 'InvalidParameterException', 'services must contain between 1 and 10 items.');
      const cluster = this.clusters.get(`${region}/${clusterName}`);
      if (!cluster) return error(res, 400, 'ClusterNotFoundException', 'Cluster not found.');
      const services = [];
      const failures = [];
      for (const raw of names as string[]) {
        const name = String(raw).split('/').at(-1)!;
        const s = cluster.get(name);
        const arn = `arn:aws:ecs:${region}:${ACCOUNT}:service/${clusterName}/${name}`;
        if (!s) failures.push({ arn, reason: 'MISSING' });
        else
          services.push({
            serviceArn: arn,
            serviceName: name,
            clusterArn,
            status: 'ACTIVE',
            desiredCount: s.desired,
            runningCount: s.running,
            pendingCount: s.pending ?? 0,
            launchType: 'FARGATE',
          });
      }
      return ok(res, { services, failures });
    }
    if (op === 'DescribeTasks') {
      const unknown = Object.keys(body).find((k) => !['cluster', 'tasks'].includes(k));
      if (unknown) return error(res, 400, 'InvalidParameterException', `Unsupported member ${unknown}`);
      const ids = body.tasks;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)
        return error(res, 400, 'InvalidParameterException', 'tasks must contain between 1 and 100 items.');
      if (!this.clusters.has(`${region}/${clusterName}`))
        return error(res, 400, 'ClusterNotFoundException', 'Cluster not found.');
      const tasks = [];
      const failures = [];
      for (const raw of ids as string[]) {
        const id = String(raw).split('/').at(-1)!;
        const arn = `arn:aws:ecs:${region}:${ACCOUNT}:task/${clusterName}/${id}`;
        const t = this.tasks.get(arn);
        if (!t) failures.push({ arn, reason: 'MISSING' });
        else
          tasks.push({
            taskArn: arn,
            clusterArn,
            group: t.group,
            lastStatus: t.lastStatus,
            desiredStatus: t.lastStatus === 'STOPPED' || t.lastStatus === 'STOPPING' ? 'STOPPED' : 'RUNNING',
            availabilityZone: t.az,
            launchType: 'FARGATE',
          });
      }
      return ok(res, { tasks, failures });
    }
    return error(res, 400, 'UnknownOperationException', `Unknown operation ${target}`);
  }
}

function ok(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify({ __type: type, message }));
}
