/**
 * Template fingerprints: pinned, so anything that changes them for an unchanged template (an SDK
 * upgrade that adds fields to what GetExperimentTemplate returns, a change to the adapter's mapping)
 * fails here and makes whoever did it bump FINGERPRINT_SCHEME, which makes pending approvals fail
 * closed instead of being compared against a differently computed fingerprint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsFis } from '../../src/adapters/fis.ts';
import { FINGERPRINT_SCHEME, fingerprint } from '../../src/core/fingerprint.ts';
import { definitionDifferences } from '../../src/core/fis.ts';
import { FisEmulator, sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';

describe('template fingerprints', () => {
  const fis = new FisEmulator();
  beforeAll(async () => {
    await fis.start();
    fis.addTemplate(sampleTemplate('EXT1a2b3c4d5e6f7'));
  });
  afterAll(() => fis.stop());

  it('the sample template read through the SDK and the adapter has the pinned fingerprint for this scheme', async () => {
    const adapter = new AwsFis({
      endpoint: fis.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
    });
    const t = await adapter.getTemplate('us-east-1', 'EXT1a2b3c4d5e6f7');
    expect(FINGERPRINT_SCHEME).toBe('fis-template/v1');
    // If this changes, bump FINGERPRINT_SCHEME (and this test) in the same commit.
    expect(fingerprint(t)).toBe('sha256:89b3914f7c1e118079accf6af7c960ee3426af6fc66e4fcc557d4cd900e682bc');
  });
});

describe('definitionDifferences', () => {
  const t = sampleTemplate();
  const def = {
    actions: t.actions,
    targets: t.targets,
    stopConditions: t.stopConditions,
    roleArn: t.roleArn,
  };

  it('is empty when FIS started exactly the template, whatever it adds (action state, descriptions order)', () => {
    const started = structuredClone(def) as typeof def & {
      actions: Record<string, Record<string, unknown>>;
    };
    started.actions.stopInstances!.state = { status: 'running' };
    expect(definitionDifferences(t, started)).toEqual([]);
  });

  it('names each difference in actions, parameters, targets, stop conditions and role', () => {
    const started = structuredClone(def);
    started.targets.checkoutInstances!.selectionMode = 'ALL';
    started.actions.stopInstances!.parameters = { startInstancesAfterDuration: 'PT30M' };
    started.stopConditions = [];
    started.roleArn = 'arn:aws:iam::123456789012:role/other';
    const d = definitionDifferences(t, started);
    expect(d).toContain('targets.checkoutInstances.selectionMode: approved "COUNT(1)", started "ALL"');
    expect(d).toContain(
      'actions.stopInstances.parameters.startInstancesAfterDuration: approved "PT5M", started "PT30M"',
    );
    expect(d.some((x) => x.startsWith('stopConditions[0].source'))).toBe(true);
    expect(d.some((x) => x.startsWith('roleArn'))).toBe(true);
  });
});
