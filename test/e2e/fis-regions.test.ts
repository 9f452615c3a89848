/**
 * Regions: the deployed bot's FIS roles exist only in its own region (deploy/ sets FIS_REGIONS to it), so /fis run
 * for another region is refused at the command, privately and before anything runs; reads still go anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { type Rig, slashOutcome, startRig } from '../helpers/rig.ts';

describe('FIS only in the regions its roles are deployed to', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { FIS_REGIONS: 'us-east-1' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const slash = (command: string, text: string) => slashOutcome(rig, command, text);

  it.each([
    ['another region named', 'run EXT1a2b3c4d5e6f7 eu-west-1', 'eu-west-1'],
    ['the default target region (us-west-2) when none is named', 'run EXT1a2b3c4d5e6f7', 'us-west-2'],
  ])(
    '/fis run in %s: refused privately, with where it can run, nothing started',
    async (_n, text, region) => {
      const r = await slash('/fis', text);
      expect(r.ack.response_type).toBe('ephemeral');
      expect(r.ack.text).toContain('FIS experiments run only in `us-east-1`');
      expect(r.ack.text).toContain(`\`${region}\` is not one of them`);
      expect(r.posted).toBe(0);
      expect(r.invoked).toBe(0);
    },
  );

  it('/fis run in the deploy region goes ahead, and reads in other regions are not limited', async () => {
    rig.harness.enqueue(answer('Pre-flight checks follow.'));
    expect((await slash('/fis', 'run EXT1a2b3c4d5e6f7 us-east-1')).ack.response_type).not.toBe('ephemeral');
    rig.harness.enqueue(answer('Cluster assessed.'));
    expect((await slash('/assess', 'eks orders eu-west-1')).ack.response_type).not.toBe('ephemeral');
    await expect.poll(() => rig.harness.invocations.length).toBeGreaterThanOrEqual(2);
  });
});
