/**
 * The prepare skill's validate_template.sh on good and bad FIS experiment templates, with the container's jq.
 * Each bad case asserts the rule and the place the report names, so the agent can fix exactly that item.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWithJq } from './helpers/jq.ts';
import { REPO_ROOT, SKILLS_DIR } from './load.ts';

const PREPARE = join(SKILLS_DIR, 'aws-fis-experiment-prepare');
const SCRIPT = join(PREPARE, 'scripts', 'validate_template.sh');
const ROLE = 'arn:aws:iam::111122223333:role/AgentCoreSlackBot-FisExperimentRole-EXAMPLE';
const LOGS = 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/fis/agentcore-slack-bot:*';
const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fis-stop-h1-alb-5xx';
const ENV = { FIS_EXPERIMENT_ROLE_ARN: ROLE, FIS_LOG_GROUP_ARN: LOGS, AWS_REGION: 'us-east-1' };

// Templates are edited freely in each case; the validator, not the type checker, judges them.
// biome-ignore lint/suspicious/noExplicitAny: JSON documents mutated per test case
type Json = Record<string, any>;
const good = (): Json =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/skills/fixtures/fis/good-stop-instances.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'fis-validate-'));
let n = 0;
const file = (value: unknown) => {
  n += 1;
  const f = join(dir, `f${n}.json`);
  writeFileSync(f, JSON.stringify(value));
  return f;
};

interface Finding {
  rule: string;
  where: string;
  message: string;
}
interface Verdict {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  prerequisites: string[];
  maxActionMinutes: number | null;
}

function validate(
  template: Json,
  opts: { alarms?: unknown; tags?: unknown; args?: string[]; env?: Record<string, string> } = {},
) {
  const args = ['--template', file(template), ...(opts.args ?? [])];
  if (opts.alarms) args.push('--alarms', file(opts.alarms));
  if (opts.tags) args.push('--tag-mappings', file(opts.tags));
  const out = runWithJq(SCRIPT, args, { ...ENV, ...(opts.env ?? {}) });
  if (out.status !== 0 && out.status !== 4) throw new Error(`exit ${out.status}: ${out.stderr}`);
  const verdict = JSON.parse(out.stdout) as Verdict;
  expect(out.status).toBe(verdict.valid ? 0 : 4);
  return verdict;
}
const where = (v: Verdict) => v.errors.map((e) => `${e.rule} ${e.where}`).sort();
const alb = (metrics: string[], state = 'OK') => ({
  MetricAlarms: [
    {
      AlarmName: 'fis-stop-h1-alb-5xx',
      AlarmArn: ALARM,
      StateValue: state,
      Metrics: metrics.map((MetricName, i) => ({
        Id: `m${i}`,
        MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName }, Period: 60, Stat: 'Sum' },
      })),
    },
  ],
});

describe('good templates pass', () => {
  it('the stop-instances example with an alarm-state first step, alarms OK and the ALB alarm counting both 5xx sources', () => {
    const v = validate(good(), {
      alarms: alb(['HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count', 'RequestCount']),
    });
    expect(v).toMatchObject({ valid: true, errors: [], warnings: [], maxActionMinutes: 5 });
  });

  it('ARN targets whose tags the tagging API confirms, ElastiCache with its AZ parameter, ECS fault with its pidMode prerequisite', () => {
    const t = good();
    const arn = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';
    t.targets.WebInstances = { resourceType: 'aws:ec2:instance', resourceArns: [arn], selectionMode: 'ALL' };
    t.targets.Cache = {
      resourceType: 'aws:elasticache:replicationgroup',
      resourceTags: { 'fis-allowed': 'true' },
      parameters: { availabilityZoneIdentifier: 'us-east-1a' },
      selectionMode: 'COUNT(1)',
    };
    t.targets.Tasks = {
      resourceType: 'aws:ecs:task',
      resourceTags: { 'fis-allowed': 'true' },
      parameters: { cluster: 'shop' },
      selectionMode: 'COUNT(1)',
    };
    t.actions.CachePower = {
      actionId: 'aws:elasticache:replicationgroup-interrupt-az-power',
      parameters: { duration: 'PT5M' },
      targets: { ReplicationGroups: 'Cache' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.KillProcess = {
      actionId: 'aws:ecs:task-kill-process',
      parameters: { processName: 'nginx' },
      targets: { Tasks: 'Tasks' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    const tags = {
      ResourceTagMappingList: [{ ResourceARN: arn, Tags: [{ Key: 'fis-allowed', Value: 'true' }] }],
    };
    const v = validate(t, { tags });
    expect(v.errors).toEqual([]);
    expect(v.prerequisites).toEqual(['ECS task definitions of the targets set pidMode task (aws:ecs:task)']);
    expect(v.warnings.map((w) => w.where).sort()).toEqual(['actions.CachePower', 'actions.KillProcess']);
  });

  it('knows aws:network:disrupt-vpc-endpoint on aws:ec2:vpc-endpoint and CPU stress without pidMode', () => {
    const t = good();
    t.targets.Endpoints = {
      resourceType: 'aws:ec2:vpc-endpoint',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'COUNT(1)',
    };
    t.targets.Tasks = {
      resourceType: 'aws:ecs:task',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'COUNT(1)',
    };
    t.actions.Vpce = {
      actionId: 'aws:network:disrupt-vpc-endpoint',
      parameters: { duration: 'PT5M' },
      targets: { VPCEndpoints: 'Endpoints' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.Cpu = {
      actionId: 'aws:ecs:task-cpu-stress',
      parameters: { duration: 'PT5M' },
      targets: { Tasks: 'Tasks' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    const v = validate(t);
    expect(v.errors).toEqual([]);
    expect(v.prerequisites).toEqual([]);
  });
});

describe('bad templates fail on the rule that is broken', () => {
  it('parameter slips against the FIS actions reference and action wiring', () => {
    const t = good();
    t.targets.Global = {
      resourceType: 'aws:memorydb:multi-region-cluster',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'COUNT(1)',
    };
    t.targets.Dsql = {
      resourceType: 'aws:dsql:cluster',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'COUNT(1)',
    };
    t.actions.Pause = {
      actionId: 'aws:memorydb:multi-region-cluster-pause-replication',
      parameters: { duration: 'PT5M', region: 'us-west-2' },
      targets: { MultiRegionClusters: 'Global' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.Conn = {
      actionId: 'aws:dsql:cluster-connection-failure',
      parameters: { duration: 'PT5M' },
      targets: { Clusters: 'Dsql' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.Invented = {
      actionId: 'aws:ec2:disrupt-network-connectivity',
      targets: { Instances: 'WebInstances' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.WrongKey = {
      actionId: 'aws:ec2:reboot-instances',
      targets: { Nodes: 'WebInstances' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.WrongType = {
      actionId: 'aws:rds:failover-db-cluster',
      targets: { Clusters: 'WebInstances' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    expect(where(validate(t))).toEqual([
      'action-id actions.Invented',
      'action-targets actions.WrongKey.targets',
      'action-targets actions.WrongType.targets.Clusters',
      'parameters actions.Conn',
      'parameters actions.Pause.parameters.region',
    ]);
  });

  it('stop-instances without a restart, durations read from each action own parameter, selection and target rules', () => {
    const t = good();
    delete t.actions.StopOneInstance.parameters.startInstancesAfterDuration;
    t.targets.Spot = {
      resourceType: 'aws:ec2:spot-instance',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'PERCENT(50)',
    };
    t.targets.Pods = {
      resourceType: 'aws:eks:pod',
      resourceTags: { app: 'x' },
      parameters: {
        clusterIdentifier: 'c',
        namespace: 'n',
        selectorType: 'labelSelector',
        selectorValue: 'app=x',
      },
      selectionMode: 'ALL',
    };
    t.targets.Cache = {
      resourceType: 'aws:elasticache:replicationgroup',
      resourceArns: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'],
      filters: [{ path: 'x', values: ['y'] }],
      selectionMode: 'COUNT(1)',
    };
    t.actions.Spot = {
      actionId: 'aws:ec2:send-spot-instance-interruptions',
      parameters: { durationBeforeInterruption: 'PT20M' },
      targets: { SpotInstances: 'Spot' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.Cpu = {
      actionId: 'aws:eks:pod-cpu-stress',
      parameters: { kubernetesServiceAccount: 'fis', duration: 'PT15M' },
      targets: { Pods: 'Pods' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    t.actions.Power = {
      actionId: 'aws:elasticache:replicationgroup-interrupt-az-power',
      parameters: { duration: 'PT5M' },
      targets: { ReplicationGroups: 'Cache' },
      startAfter: ['AssertStopAlarmsOk'],
    };
    expect(where(validate(t))).toEqual([
      'duration actions.Cpu.parameters.duration',
      'duration actions.Spot.parameters.durationBeforeInterruption',
      'opt-in-tag targets.Pods.resourceTags',
      'parameters actions.StopOneInstance',
      'selection targets.Pods.selectionMode',
      'selection targets.Spot.selectionMode',
      'targets targets.Cache',
      'targets targets.Cache.parameters',
      'targets targets.Cache.resourceArns',
      'targets targets.Pods',
    ]);
  });

  it('a longer duration passes once the approved maximum is given, and the stop-instances restart is checked too', () => {
    const t = good();
    t.actions.StopOneInstance.parameters.startInstancesAfterDuration = 'PT30M';
    expect(where(validate(t))).toEqual([
      'duration actions.StopOneInstance.parameters.startInstancesAfterDuration',
    ]);
    expect(validate(t, { args: ['--max-duration', 'PT30M'] }).valid).toBe(true);
  });

  it('stop conditions, alarms, role, tags, options, logging and the alarm-state first step', () => {
    const t = good();
    t.stopConditions = [{ source: 'none' }];
    t.roleArn = 'arn:aws:iam::111122223333:role/SomethingElse';
    delete t.tags['managed-by'];
    t.experimentOptions.emptyTargetResolutionMode = 'skip';
    t.logConfiguration.cloudWatchLogsConfiguration.logGroupArn = `${LOGS}:*`;
    delete t.actions.StopOneInstance.startAfter;
    delete t.actions.AssertStopAlarmsOk;
    expect(where(validate(t))).toEqual([
      'assert-first actions',
      'logging logConfiguration',
      'options experimentOptions.emptyTargetResolutionMode',
      'role roleArn',
      'stop-conditions stopConditions[0]',
      'tags tags',
    ]);
  });

  it('stop alarms must be OK, and an ALB 5xx alarm must count the load balancer own 5xx', () => {
    expect(where(validate(good(), { alarms: alb(['HTTPCode_Target_5XX_Count', 'RequestCount']) }))).toEqual([
      `alb-5xx ${ALARM}`,
    ]);
    expect(
      where(
        validate(good(), {
          alarms: alb(['HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count'], 'INSUFFICIENT_DATA'),
        }),
      ),
    ).toEqual([`alarms ${ALARM}`]);
  });

  it('ARN targets: an ARN the tagging API does not return is untagged, not opted in', () => {
    const t = good();
    const a = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0aaaaaaaaaaaaaaa1';
    const b = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0bbbbbbbbbbbbbbb2';
    t.targets.WebInstances = {
      resourceType: 'aws:ec2:instance',
      resourceArns: [a, b],
      selectionMode: 'COUNT(1)',
    };
    const tags = {
      ResourceTagMappingList: [{ ResourceARN: a, Tags: [{ Key: 'fis-allowed', Value: 'true' }] }],
    };
    expect(where(validate(t, { tags }))).toEqual([`opt-in-tag ${b}`]);
  });

  it('without the role variable it stays in plan mode; without the log group it says logging is an open item', () => {
    const v = validate(good(), { env: { FIS_EXPERIMENT_ROLE_ARN: '', FIS_LOG_GROUP_ARN: '' } });
    expect(where(v)).toEqual(['role roleArn']);
    expect(v.warnings.map((w) => w.rule)).toEqual(['logging']);
  });

  it('experiment reports go to the deployed bucket under the prefix the role may write (FIS_REPORT_BUCKET)', () => {
    const env = { FIS_REPORT_BUCKET: 'agentcore-reports-bucket' };
    const report = (bucketName: string, prefix: string) => ({
      outputs: { s3Configuration: { bucketName, prefix } },
      preExperimentDuration: 'PT10M',
      postExperimentDuration: 'PT10M',
    });
    const withReport = (r: unknown) => ({ ...good(), experimentReportConfiguration: r });
    expect(
      validate(withReport(report('agentcore-reports-bucket', 'fis-reports/checkout/')), { env }),
    ).toMatchObject({
      valid: true,
      warnings: [],
    });
    expect(where(validate(withReport(report('someone-elses-bucket', 'fis-reports/')), { env }))).toEqual([
      'report experimentReportConfiguration.outputs.s3Configuration.bucketName',
    ]);
    expect(where(validate(withReport(report('agentcore-reports-bucket', 'other/')), { env }))).toEqual([
      'report experimentReportConfiguration.outputs.s3Configuration.prefix',
    ]);
    // No report configured while the bucket exists: an open item (the Region may not offer reports).
    const none = validate(good(), { env });
    expect(none.valid).toBe(true);
    expect(none.warnings.map((w) => w.rule)).toEqual(['report']);
  });

  it('ECS network faults FIS cannot run in parallel must be ordered with startAfter', () => {
    const t = good();
    t.targets.Tasks = {
      resourceType: 'aws:ecs:task',
      resourceTags: { 'fis-allowed': 'true' },
      selectionMode: 'COUNT(1)',
    };
    const first = Object.keys(t.actions).find(
      (k) => t.actions[k].actionId === 'aws:cloudwatch:assert-alarm-state',
    )!;
    t.actions.latency = {
      actionId: 'aws:ecs:task-network-latency',
      parameters: { duration: 'PT5M' },
      targets: { Tasks: 'Tasks' },
      startAfter: [first],
    };
    t.actions.loss = {
      actionId: 'aws:ecs:task-network-packet-loss',
      parameters: { duration: 'PT5M' },
      targets: { Tasks: 'Tasks' },
      startAfter: [first],
    };
    const parallel = validate(t);
    expect(parallel.errors.filter((e) => e.rule === 'not-parallel').map((e) => e.where)).toEqual([
      'actions.loss.startAfter',
    ]);
    t.actions.loss.startAfter = ['latency'];
    expect(validate(t).errors.filter((e) => e.rule === 'not-parallel')).toEqual([]);
  });
});
