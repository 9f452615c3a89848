/**
 * Two stacks in one account and region deploy side by side, and destroy-then-deploy works: nothing that outlives a
 * stack (DeletionPolicy Retain) has a fixed name, and no two stacks share a physical name or a metric namespace.
 */
import { describe, expect, it } from 'vitest';
import { HARNESS_ENV } from '../lib/fis-contract.ts';
import { type CfnTemplate, synth } from './helpers/synth.ts';

/** Properties that set a physical name (CloudFormation would otherwise generate one). */
const NAME_PROPERTIES = [
  'LogGroupName',
  'RoleName',
  'TableName',
  'HarnessName',
  'Name',
  'TopicName',
  'ClusterName',
  'ServiceName',
  'RepositoryName',
  'AlarmName',
  'BucketName',
  'MetricNamespace',
];

function physicalNames(json: CfnTemplate): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type === 'AWS::EKS::AccessEntry' || r.Type === 'AWS::ECS::Service') continue;
    for (const p of NAME_PROPERTIES) {
      const v = r.Properties?.[p];
      if (v !== undefined) out.set(`${id}.${p}`, JSON.stringify(v));
    }
  }
  return out;
}

function retained(json: CfnTemplate & { Resources: Record<string, { DeletionPolicy?: string }> }): string[] {
  return Object.entries(json.Resources)
    .filter(([, r]) => (r as { DeletionPolicy?: string }).DeletionPolicy === 'Retain')
    .map(([id]) => id);
}

describe('two stacks side by side', () => {
  const a = synth({ stackName: 'OpsBotA' });
  const b = synth({ stackName: 'OpsBotB' });
  const ja = a.json;
  const jb = b.json;
  a.cleanup();
  b.cleanup();

  it('retained resources have no fixed name (destroy, then deploy again, works)', () => {
    const ids = retained(ja as never);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      for (const p of NAME_PROPERTIES) {
        const v = ja.Resources[id]!.Properties?.[p];
        // A name computed from something the stack creates (a token) is not fixed; a literal string is.
        expect(typeof v === 'string' ? `${id}.${p}=${v}` : undefined, `${id} ${p}`).toBeUndefined();
      }
    }
  });

  it('no literal physical name is the same in both stacks', () => {
    const na = physicalNames(ja);
    const nb = physicalNames(jb);
    const literalA = new Set([...na.values()].filter((v) => v.startsWith('"')));
    const shared = [...nb.entries()].filter(([, v]) => literalA.has(v));
    expect(shared).toEqual([]);
  });

  it('each stack lets its agent create alarms under its own prefix only', () => {
    const prefix = (json: CfnTemplate) => {
      const h = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
      return (h.Properties!.EnvironmentVariables as Record<string, string>)[HARNESS_ENV.fisAlarmPrefix];
    };
    expect(prefix(ja)).toBe('OpsBotA-fis-stop-');
    expect(prefix(jb)).toBe('OpsBotB-fis-stop-');
  });
});
