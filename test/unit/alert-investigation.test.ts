import { describe, expect, it } from 'vitest';
import type { AlertFacts } from '../../src/alerts/facts.ts';
import { investigationFor, resourceOf } from '../../src/alerts/investigation.ts';
import { INVESTIGATION_SKILLS } from '../../src/core/investigation-runs.ts';

const base: AlertFacts = {
  source: 'sns',
  confidence: 'verified',
  alarmKey: 'k',
  name: 'a',
  state: 'firing',
  rawState: 'ALARM',
  dimensions: [],
};
const withDims = (namespace: string, dims: Record<string, string>): AlertFacts => ({
  ...base,
  metric: { namespace, name: 'm' },
  dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })),
});

describe('what an investigation reviews besides the logs', () => {
  it('an ECS service (ClusterName with ServiceName) is reviewed with the research skill, not as an EKS cluster', () => {
    expect(
      resourceOf(withDims('ECS/ContainerInsights', { ServiceName: 'web', ClusterName: 'prod' })),
    ).toMatchObject({
      service: 'ecs',
      skill: 'aws-best-practice-research',
      value: 'web',
    });
  });

  it('an EKS cluster (Container Insights, ClusterName alone) gets the EKS assessment', () => {
    expect(resourceOf(withDims('ContainerInsights', { ClusterName: 'prod' }))).toMatchObject({
      service: 'eks',
      skill: 'eks-workload-best-practice-assessment',
    });
  });

  it('load balancers, functions and databases are named for the research skill; no dimensions, logs only', () => {
    expect(
      resourceOf(withDims('AWS/ApplicationELB', { LoadBalancer: 'app/x/1', TargetGroup: 'tg/1' })),
    ).toMatchObject({
      service: 'elb',
      label: 'load balancer',
    });
    expect(resourceOf(withDims('AWS/Lambda', { FunctionName: 'checkout' }))?.service).toBe('lambda');
    expect(resourceOf(withDims('AWS/RDS', { DBInstanceIdentifier: 'orders' }))?.service).toBe('rds');
    expect(investigationFor(base, 'eu-west-1').skills).toEqual(['app-service-log-analysis']);
    // A harness that answers /investigate loads INVESTIGATION_SKILLS (deploy): every skill a run may ask for.
    for (const [ns, dims] of [
      ['AWS/ApplicationELB', { LoadBalancer: 'app/x/1' }],
      ['ContainerInsights', { ClusterName: 'orders' }],
      ['AWS/RDS', { DBInstanceIdentifier: 'orders' }],
    ] as const)
      for (const k of investigationFor(withDims(ns, dims), 'eu-west-1').skills)
        expect(INVESTIGATION_SKILLS, `${ns} ${k}`).toContain(k);
  });

  it('without a state change time the window is the last hour; the default Region is said to be assumed', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const inv = investigationFor(base, 'eu-west-1', now);
    expect(inv.prompt).toContain('over 2026-01-01T11:00:00Z to 2026-01-01T12:00:00Z');
    expect(inv.prompt).toContain('Region: not given, assume eu-west-1');
    expect(inv.region).toBe('eu-west-1');
  });
});
