/**
 * The AWS stand-in against the SDK models in node_modules (material AWS publishes): every operation it
 * serves is a command of that SDK client, it answers only errors the operation models (`@throws`), and
 * those errors reach the real SDK clients as the modelled error classes.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkAwsProbe } from '../../src/doctor/aws-probe.ts';
import { AwsProbeError } from '../../src/doctor/ports.ts';
import { AwsControlPlane, MODELLED_ERRORS } from '../../src/stand-ins/aws-control-plane.ts';

const SDK = path.resolve(import.meta.dirname, '../../node_modules/@aws-sdk');

function declared(client: string, op: string): { exists: boolean; throws: string[] } {
  const file = path.join(SDK, client, 'dist-types', 'commands', `${op}Command.d.ts`);
  if (!existsSync(file)) return { exists: false, throws: [] };
  const text = readFileSync(file, 'utf8');
  return { exists: true, throws: [...text.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!) };
}

describe('AWS control-plane stand-in vs the SDK models', () => {
  it.each(Object.entries(MODELLED_ERRORS))('%s: a real command, answering only modelled errors', (op, m) => {
    const d = declared(m.client, op);
    expect(d.exists, `${m.client} has ${op}Command`).toBe(true);
    for (const e of m.errors) expect(d.throws, `${op} models ${e}`).toContain(e);
  });

  describe('errors reach the SDK as the modelled classes', () => {
    const aws = new AwsControlPlane({ account: '111122223333' });
    let probe: SdkAwsProbe;
    beforeAll(async () => {
      await aws.start();
      probe = new SdkAwsProbe({
        region: 'us-east-1',
        storeRegion: 'us-east-1',
        endpoint: aws.url,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
    });
    afterAll(() => aws.stop());

    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: unknown) => (e instanceof AwsProbeError ? e.code : String(e)),
      );

    it('not found, per operation', async () => {
      expect(
        await codeOf(probe.harness('arn:aws:bedrock-agentcore:us-east-1:111122223333:harness/x-AbCdEf1234')),
      ).toBe('ResourceNotFoundException');
      expect(await codeOf(probe.inferenceProfile('us.nope', 'us-east-1'))).toBe('ResourceNotFoundException');
      expect(await codeOf(probe.foundationModel('nope', 'us-east-1'))).toBe('ResourceNotFoundException');
      expect(await codeOf(probe.table('nope'))).toBe('ResourceNotFoundException');
      expect(await codeOf(probe.tableTtl('nope'))).toBe('ResourceNotFoundException');
      expect(await codeOf(probe.tablePitr('nope'))).toBe('TableNotFoundException');
      expect(await codeOf(probe.roleTrust('nope'))).toBe('NoSuchEntityException');
      expect(
        await codeOf(
          probe.simulate('arn:aws:iam::111122223333:role/nope', [{ action: 's3:ListBucket', resource: '*' }]),
        ),
      ).toBe('NoSuchEntityException');
      expect(await codeOf(probe.accessEntry('nope', 'us-west-2', 'arn:aws:iam::111122223333:role/r'))).toBe(
        'ClusterNotFound',
      );
    });

    it('an unsigned request is refused', async () => {
      const res = await fetch(`${aws.url}/harnesses/x`);
      expect(res.status).toBe(403);
    });
  });
});
