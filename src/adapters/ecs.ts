/**
 * Health of ECS task targets (aws:ecs:task) after an experiment, over @aws-sdk/client-ecs. Stopped tasks do
 * not come back: their service replaces them. So a target is healthy again when each service its tasks belong
 * to runs as many tasks as it desires (DescribeTasks gives the service from a task's `group`; a target that
 * names its `cluster` and `service` in its FIS parameters is checked through that service directly). A task
 * outside any service is healthy only while it runs.
 */
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { type TargetHealth, type TargetHealthPort, TargetReadError } from '../core/target-health.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-ecs');

/** DescribeTasks takes at most 100 tasks, DescribeServices at most 10 services. */
const TASK_PAGE = 100;
const SERVICE_PAGE = 10;

export class AwsEcsTargets implements TargetHealthPort {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, ECSClient>;

  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.ECSClient(config), o);
  }

  checksHealthOf(resourceType: string): boolean {
    return resourceType === 'aws:ecs:task';
  }

  async health(
    region: string,
    _resourceType: string,
    arns: readonly string[],
    parameters?: Readonly<Record<string, string>>,
  ): Promise<TargetHealth[]> {
    try {
      const out: TargetHealth[] = [];
      /** cluster → services to read. */
      const services = new Map<string, Set<string>>();
      const want = (cluster: string, service: string) => {
        if (!services.has(cluster)) services.set(cluster, new Set());
        services.get(cluster)!.add(service);
      };
      if (parameters?.service) want(parameters.cluster ?? 'default', parameters.service);
      for (const [cluster, tasks] of byCluster(arns)) {
        for (let i = 0; i < tasks.length; i += TASK_PAGE) {
          const page = await this.client(region, (client, sdk) =>
            client.send(new sdk.DescribeTasksCommand({ cluster, tasks: tasks.slice(i, i + TASK_PAGE) })),
          );
          for (const t of page.tasks ?? []) {
            const service = t.group?.startsWith('service:') ? t.group.slice('service:'.length) : undefined;
            if (service) want(cluster, service);
            else
              out.push({
                arn: t.taskArn ?? '?',
                healthy: t.lastStatus === 'RUNNING',
                state: `task outside a service, ${t.lastStatus ?? 'state unknown'}`,
              });
          }
          for (const f of page.failures ?? [])
            out.push({
              arn: f.arn ?? '?',
              healthy: false,
              state: 'task not found, so its service is not known',
            });
        }
      }
      for (const [cluster, names] of services) {
        const list = [...names];
        for (let i = 0; i < list.length; i += SERVICE_PAGE) {
          const page = await this.client(region, (client, sdk) =>
            client.send(
              new sdk.DescribeServicesCommand({ cluster, services: list.slice(i, i + SERVICE_PAGE) }),
            ),
          );
          for (const s of page.services ?? []) out.push(serviceHealth(s));
          for (const f of page.failures ?? [])
            out.push({ arn: f.arn ?? '?', healthy: false, state: 'service does not exist' });
        }
      }
      return out;
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      throw new TargetReadError(
        e?.name ?? 'Error',
        `ECS in ${region}: ${e?.message ?? String(err)}`,
        e?.$fault === 'client',
      );
    }
  }
}

function serviceHealth(s: Service): TargetHealth {
  const running = s.runningCount ?? 0;
  const desired = s.desiredCount ?? 0;
  const healthy = s.status === 'ACTIVE' && running >= desired;
  return {
    arn: s.serviceArn ?? s.serviceName ?? '?',
    healthy,
    state: `service ${s.serviceName}: ${running} of ${desired} desired tasks running${s.status === 'ACTIVE' ? '' : `, ${s.status}`}`,
  };
}

/** Task ARNs (`arn:aws:ecs:region:account:task/cluster/id`) by cluster name. */
function byCluster(arns: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const arn of arns) {
    const m = /:task\/([^/]+)\/([^/]+)$/.exec(arn);
    if (!m) continue;
    if (!out.has(m[1]!)) out.set(m[1]!, []);
    out.get(m[1]!)!.push(arn);
  }
  return out;
}
