/**
 * The ECS emulator through the real @aws-sdk/client-ecs: answers parse into the SDK's Service and Task
 * shapes, the documented limits hold (1..10 services, 1..100 tasks), an unknown cluster is
 * ClusterNotFoundException (a modelled error of both operations), unknown services and tasks are `failures`
 * with reason MISSING. Then the health port over it: services of the target's tasks, or the service its
 * parameters name, at their desired count.
 */
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsEcsTargets } from '../../src/adapters/ecs.ts';
import { EcsEmulator } from '../../src/stand-ins/ecs-emulator.ts';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const task = (id: string, cluster = 'shop') => `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/${id}`;

describe('ECS emulator contract', () => {
  const ecs = new EcsEmulator();
  const client = (region = 'us-east-1') =>
    new ECSClient({ region, endpoint: ecs.url, credentials: CREDS, maxAttempts: 1 });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  beforeAll(() => ecs.start());
  afterAll(() => ecs.stop());
  beforeEach(() => {
    ecs.clear();
    ecs.putService('us-east-1', 'shop', 'web', { desired: 3, running: 3 });
    ecs.putTask(task('aaa'), { group: 'service:web', lastStatus: 'STOPPED', az: 'us-east-1a' });
    ecs.putTask(task('bbb'), { group: 'family:batch', lastStatus: 'RUNNING', az: 'us-east-1b' });
  });

  it('DescribeServices and DescribeTasks answer in the SDK shapes, unknown ones as MISSING failures', async () => {
    const s = await client().send(new DescribeServicesCommand({ cluster: 'shop', services: ['web', 'api'] }));
    expect(s.services?.map((x) => [x.serviceName, x.status, x.desiredCount, x.runningCount])).toEqual([
      ['web', 'ACTIVE', 3, 3],
    ]);
    expect(s.failures?.map((f) => f.reason)).toEqual(['MISSING']);
    const t = await client().send(
      new DescribeTasksCommand({ cluster: 'shop', tasks: [task('aaa'), task('zzz')] }),
    );
    expect(t.tasks?.map((x) => [x.group, x.lastStatus, x.availabilityZone])).toEqual([
      ['service:web', 'STOPPED', 'us-east-1a'],
    ]);
    expect(t.failures).toEqual([{ arn: task('zzz'), reason: 'MISSING' }]);
  });

  it('limits and errors as ECS models them', async () => {
    expect(
      await errorOf(client().send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] }))),
    ).toBe('ClusterNotFoundException');
    expect(
      await errorOf(client('us-west-2').send(new DescribeTasksCommand({ cluster: 'shop', tasks: ['x'] }))),
    ).toBe('ClusterNotFoundException');
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    expect(
      await errorOf(client().send(new DescribeServicesCommand({ cluster: 'shop', services: eleven }))),
    ).toBe('InvalidParameterException');
    expect(await errorOf(client().send(new DescribeTasksCommand({ cluster: 'shop', tasks: [] })))).toBe(
      'InvalidParameterException',
    );
  });

  it('the health port: a stopped task counts through its service; a task outside a service must run', async () => {
    const port = new AwsEcsTargets({ endpoint: ecs.url, credentials: CREDS });
    ecs.setService('us-east-1', 'shop', 'web', { running: 2 });
    const h = await port.health('us-east-1', 'aws:ecs:task', [task('aaa'), task('bbb')]);
    expect(h).toEqual([
      { arn: task('bbb'), healthy: true, state: 'task outside a service, RUNNING' },
      {
        arn: 'arn:aws:ecs:us-east-1:123456789012:service/shop/web',
        healthy: false,
        state: 'service web: 2 of 3 desired tasks running',
      },
    ]);
    ecs.setService('us-east-1', 'shop', 'web', { running: 3 });
    const byParameters = await port.health('us-east-1', 'aws:ecs:task', [], {
      cluster: 'shop',
      service: 'web',
    });
    expect(byParameters.map((x) => x.healthy)).toEqual([true]);
    expect(await port.health('us-east-1', 'aws:ecs:task', [])).toEqual([]);
  });
});
