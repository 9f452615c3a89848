/**
 * The FIS adapter through the real SDK client against the emulator: an error FIS answered with
 * (a modeled client error) is a refusal; a 5xx is not, even though the SDK marks every unmodeled
 * error `$fault: "client"` (smithy-client throwDefaultError). A refusal ends the bot's search for
 * the experiment sooner, so a server error must never pass for one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsFis } from '../../src/adapters/fis.ts';
import { FisError } from '../../src/core/fis.ts';
import { FisEmulator, sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';

describe('FIS adapter errors', () => {
  const fis = new FisEmulator({ initiatingMs: 50, runningMs: 200 });
  let adapter: AwsFis;
  beforeAll(async () => {
    await fis.start();
    fis.addTemplate(sampleTemplate('EXTadapter'));
    adapter = new AwsFis({
      endpoint: fis.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
    });
  });
  afterAll(() => fis.stop());

  const startError = (token: string) =>
    adapter.startExperiment('us-east-1', 'EXTadapter', token, {}).then(
      () => undefined,
      (e: unknown) => e as FisError,
    );

  it('a 5xx (unmodeled InternalServerException, every retry) is not a refusal', async () => {
    fis.failStart({
      refuse: { status: 500, type: 'InternalServerException', message: 'Internal error.' },
      times: Number.POSITIVE_INFINITY,
    });
    const err = await startError('t-500');
    fis.clearStartFaults();
    expect(err).toBeInstanceOf(FisError);
    expect(err!.code).toBe('InternalServerException');
    expect(err!.refused).toBe(false);
  });

  it('a modeled client error (quota) is a refusal', async () => {
    fis.failStart({ refuse: { status: 402, type: 'ServiceQuotaExceededException', message: 'quota' } });
    const err = await startError('t-402');
    expect(err!.code).toBe('ServiceQuotaExceededException');
    expect(err!.refused).toBe(true);
  });
});
