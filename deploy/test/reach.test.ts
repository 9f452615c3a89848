/** Private clusters: VPC network mode for the harness and EKS access entries; memory options in the template. */
import { describe, expect, it } from 'vitest';
import { logicalId, synth } from './helpers/synth.ts';

interface HarnessProps {
  Environment: { AgentCoreRuntimeEnvironment: { NetworkConfiguration: unknown } };
  Memory: { ManagedMemoryConfiguration: unknown };
}

const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
const GROUP = 'sg-0123456789abcdef0';

describe('harness in VPC mode, EKS access entries, memory options', () => {
  const s = synth({
    harnessSubnetIds: SUBNETS.join(','),
    harnessSecurityGroupIds: GROUP,
    eksClusters: 'orders,payments',
    memoryStrategies: 'SEMANTIC',
    memoryKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    memoryEventExpiryDays: '90',
  });
  const [harness] = Object.values(s.template.findResources('AWS::BedrockAgentCore::Harness'));
  const props = harness!.Properties as unknown as HarnessProps;
  const entries = Object.values(s.template.findResources('AWS::EKS::AccessEntry'));
  const roleId = logicalId(s.json, 'AWS::IAM::Role', 'HarnessExecutionRole');
  s.cleanup();

  it('runs the harness in the given subnets and security groups', () => {
    expect(props.Environment.AgentCoreRuntimeEnvironment.NetworkConfiguration).toEqual({
      NetworkMode: 'VPC',
      NetworkModeConfig: { Subnets: SUBNETS, SecurityGroups: [GROUP] },
    });
  });

  it('gives the harness role read-only view access to each configured cluster', () => {
    expect(entries.map((e) => (e.Properties as { ClusterName: string }).ClusterName).sort()).toEqual([
      'orders',
      'payments',
    ]);
    for (const e of entries) {
      expect(e.Properties).toMatchObject({
        PrincipalArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Type: 'STANDARD',
        AccessPolicies: [{ AccessScope: { Type: 'cluster' } }],
      });
      expect(JSON.stringify(e.Properties)).toContain('cluster-access-policy/AmazonEKSViewPolicy');
    }
  });

  it('sets memory retention, strategies and the KMS key', () => {
    expect(props.Memory.ManagedMemoryConfiguration).toEqual({
      EventExpiryDuration: 90,
      Strategies: ['SEMANTIC'],
      EncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
  });

  it('defaults: public network mode, no access entries', () => {
    const d = synth();
    try {
      const [h] = Object.values(d.template.findResources('AWS::BedrockAgentCore::Harness'));
      expect(
        (h!.Properties as unknown as HarnessProps).Environment.AgentCoreRuntimeEnvironment
          .NetworkConfiguration,
      ).toEqual({
        NetworkMode: 'PUBLIC',
      });
      d.template.resourceCountIs('AWS::EKS::AccessEntry', 0);
    } finally {
      d.cleanup();
    }
  });
});
