/**
 * The EKS assessment's run_checks.sh over four fixture clusters, with jq 1.7.1 (the container's version). Each
 * expectation is a finding a reader of the report would see: status per check, offenders, the score and the cap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { broken } from './fixtures/eks-broken.ts';
import { healthy } from './fixtures/eks-clusters.ts';
import { autoMode, karpenter } from './fixtures/eks-platforms.ts';
import { assess, RUN_CHECKS, statusOf, writeCluster } from './helpers/eks-run.ts';
import { CONTAINER_JQ_VERSION, jqVersion, runWithJq } from './helpers/jq.ts';
import { REPO_ROOT } from './load.ts';

const _skillDir = join(REPO_ROOT, 'skills', 'eks-workload-best-practice-assessment');
const statuses = (ids: string[], result: ReturnType<typeof assess>['result']) =>
  Object.fromEntries(ids.map((id) => [id, statusOf(result, id).status]));

describe('the jq the tests use', () => {
  it('is the version the harness container installs', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'harness-container', 'Dockerfile'), 'utf8');
    // Ubuntu noble (24.04) ships jq 1.7.1; a different base image must update CONTAINER_JQ_VERSION and jq-wasm.
    expect(dockerfile).toMatch(/ARG BASE_IMAGE=ubuntu:noble-/);
    expect(jqVersion()).toMatch(new RegExp(`^jq-${CONTAINER_JQ_VERSION.replace(/\./g, '\\.')}\\b`));
  });
});

describe('healthy cluster (managed node groups, node monitoring agent)', () => {
  const { result, stdout } = assess(healthy(), 'prod-healthy');

  it('passes every check except the Karpenter ones, which are N/A because the CRD is not installed', () => {
    const notPass = result.checks.filter((c) => c.status !== 'PASS').map((c) => `${c.id}:${c.status}`);
    expect(notPass).toEqual(['AUTO-02:N/A', 'AUTO-07:N/A', 'AUTO-08:N/A']);
    expect(result.summary).toMatchObject({
      score: 100,
      rating: 'Excellent',
      cappedBy: [],
      total: 71,
      assessed: 68,
    });
  });

  it('REL-12 counts KernelReady/NetworkingReady/StorageReady/ContainerRuntimeReady=True as healthy', () => {
    expect(statusOf(result, 'REL-12')).toMatchObject({ status: 'PASS', offenders: { count: 0 } });
  });

  it('REL-05 sees a PDB that selects with matchExpressions only', () => {
    expect(statusOf(result, 'REL-05').status).toBe('PASS');
  });

  it('gives the same answer every time', () => {
    expect(assess(healthy(), 'prod-healthy').stdout).toBe(stdout);
  });
});

describe('broken cluster', () => {
  const { result } = assess(broken(), 'prod-broken');

  it('fails the checks for each mistake it carries', () => {
    const fail = [
      'SEC-01',
      'SEC-03',
      'SEC-05',
      'SEC-06',
      'SEC-10',
      'SEC-12',
      'SEC-13',
      'SEC-14',
      'SEC-15',
      'SEC-19',
      'SEC-20',
      'SEC-23',
    ];
    const failRel = [
      'REL-01',
      'REL-02',
      'REL-03',
      'REL-04',
      'REL-05',
      'REL-06',
      'REL-07',
      'REL-08',
      'REL-09',
      'REL-10',
      'REL-11',
      'REL-12',
      'REL-16',
    ];
    const failOther = [
      'NET-02',
      'AUTO-01',
      'AUTO-04',
      'AUTO-05',
      'AUTO-06',
      'COST-01',
      'COST-02',
      'COST-06',
      'OBS-01',
      'OBS-02',
      'UPG-01',
      'UPG-02',
      'UPG-04',
    ];
    for (const id of [...fail, ...failRel, ...failOther])
      expect(statusOf(result, id).status, id).toBe('FAIL');
    const warn = [
      'SEC-21',
      'SEC-22',
      'SEC-24',
      'REL-13',
      'REL-14',
      'REL-15',
      'REL-17',
      'REL-18',
      'UPG-03',
      'UPG-05',
      'UPG-06',
      'COST-03',
    ];
    for (const id of warn) expect(statusOf(result, id).status, id).toBe('WARN');
  });

  it('REL-12 reports the failing agent condition and the pressure, not the healthy ones', () => {
    expect(statusOf(result, 'REL-12').offenders.examples).toEqual([
      'ip-10-0-1-10.ec2.internal KernelReady=False',
      'ip-10-0-1-11.ec2.internal DiskPressure=True',
      'ip-10-0-1-11.ec2.internal Ready=False',
    ]);
  });

  it('SEC-18 checks self-managed nodes found through .spec.providerID', () => {
    expect(statusOf(result, 'SEC-18')).toMatchObject({
      status: 'FAIL',
      offenders: {
        examples: expect.arrayContaining([
          'ip-10-0-1-12.ec2.internal i-0bbbbbbbbbbbbbbb3 HttpTokens=optional',
        ]),
      },
    });
  });

  it('a missing Karpenter CRD is N/A, not unable to assess', () => {
    expect(statuses(['AUTO-02', 'AUTO-07', 'AUTO-08'], result)).toEqual({
      'AUTO-02': 'N/A',
      'AUTO-07': 'N/A',
      'AUTO-08': 'N/A',
    });
  });

  it('uses the data it collects: quotas, webhooks and secret names give findings', () => {
    expect(statusOf(result, 'REL-15').offenders.examples).toEqual([
      'shop missing ResourceQuota and LimitRange',
    ]);
    expect(statusOf(result, 'SEC-23').offenders.examples).toEqual([
      'ValidatingWebhookConfiguration/policy-engine validate.policy.example.com',
    ]);
    expect(statusOf(result, 'SEC-24').offenders.examples).toEqual(['shop/ci-token']);
  });

  it('caps the rating because of High failures in Security and Reliability, and ranks the top priorities', () => {
    expect(result.summary.rating).toBe('Poor');
    expect(result.summary.cappedBy).toEqual(expect.arrayContaining(['SEC-01', 'REL-12']));
    expect(result.topPriorities.map((p) => p.id)).toEqual(['SEC-01', 'SEC-05', 'SEC-06']);
  });
});

describe('Auto Mode cluster', () => {
  const { result } = assess(autoMode(), 'prod-auto');

  it('treats Auto Mode node conditions as healthy and AWS-managed components as N/A', () => {
    expect(statuses(['REL-12', 'REL-16', 'AUTO-01'], result)).toEqual({
      'REL-12': 'PASS',
      'REL-16': 'PASS',
      'AUTO-01': 'PASS',
    });
    expect(statuses(['SEC-18', 'NET-03', 'NET-04', 'REL-17', 'UPG-06'], result)).toEqual({
      'SEC-18': 'N/A',
      'NET-03': 'N/A',
      'NET-04': 'N/A',
      'REL-17': 'N/A',
      'UPG-06': 'N/A',
    });
    expect(result.cluster).toMatchObject({ autoMode: true });
  });
});

describe('Karpenter cluster', () => {
  const { result } = assess(karpenter(), 'prod-karpenter');

  it('SEC-18 looks at Karpenter nodes (no node group label)', () => {
    expect(statusOf(result, 'SEC-18')).toMatchObject({
      status: 'WARN',
      offenders: { examples: ['ip-10-1-1-20.ec2.internal i-0ddddddddddddd10 hop limit 2'] },
    });
  });

  it('checks NodePool expiry, budgets and do-not-disrupt on long-running pods only', () => {
    expect(statusOf(result, 'AUTO-02').status).toBe('PASS');
    expect(statusOf(result, 'AUTO-07').offenders.examples).toEqual([
      'batch expireAfter=Never (nodes never rotate to new AMIs)',
      'batch no disruption budgets',
    ]);
    expect(statusOf(result, 'AUTO-08').offenders.examples).toEqual([
      'Pod/shop/checkout-7d9c-abcde blocks consolidation and expiry',
    ]);
  });
});

describe('collection gaps', () => {
  it('a kind that could not be listed makes its checks UNABLE_TO_ASSESS and leaves them out of the score', () => {
    const fixture = healthy();
    fixture.gaps.push('pods');
    const { result } = assess(fixture, 'prod-gap');
    for (const id of ['REL-01', 'REL-09', 'REL-10', 'REL-11', 'COST-03'])
      expect(statusOf(result, id).status, id).toBe('UNABLE_TO_ASSESS');
    expect(result.summary).toMatchObject({ score: 100, assessed: 63 });
  });

  it('refuses a folder collect.sh has not written', () => {
    const dir = writeCluster({ files: {}, gaps: [] }, 'empty');
    const out = runWithJq(RUN_CHECKS, ['--dir', dir]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('run collect.sh first');
  });
});
