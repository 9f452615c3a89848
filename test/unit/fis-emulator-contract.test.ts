/**
 * The FIS emulator against material nobody here wrote: the AWS SDK's model of each operation's errors
 * (the `@throws` of node_modules/@aws-sdk/client-fis/dist-types/commands/*Command.d.ts) and its
 * ExperimentStatus values, driven through the real SDK client. `cancelled` is newer than this SDK's
 * model; the FIS API reference (ExperimentState) lists it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  ExperimentStatus,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  ListTargetAccountConfigurationsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FisEmulator, sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';

const sdkDir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-fis/package.json'));
/** The exceptions the SDK model declares for an operation. */
function modeledErrors(op: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'commands', `${op}Command.d.ts`), 'utf8');
  return new Set(
    [...dts.matchAll(/@throws \{@link (\w+)\}/g)]
      .map((m) => m[1]!)
      .filter((n) => n !== 'FisServiceException'),
  );
}

describe('FIS emulator contract (SDK model)', () => {
  const fis = new FisEmulator({ initiatingMs: 50, runningMs: 200 });
  const client = (region: string) =>
    new FisClient({
      region,
      endpoint: fis.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  beforeAll(async () => {
    await fis.start();
    fis.addTemplate(sampleTemplate('EXTeast'), 'us-east-1');
  });
  afterAll(() => fis.stop());

  it('ids live in their region: the same id in another region is ResourceNotFoundException', async () => {
    const east = client('us-east-1');
    const west = client('us-west-2');
    await expect(east.send(new GetExperimentTemplateCommand({ id: 'EXTeast' }))).resolves.toBeDefined();
    expect(await errorOf(west.send(new GetExperimentTemplateCommand({ id: 'EXTeast' })))).toBe(
      'ResourceNotFoundException',
    );
    const { experiment } = await east.send(
      new StartExperimentCommand({ experimentTemplateId: 'EXTeast', clientToken: 'token-region' }),
    );
    expect(await errorOf(west.send(new GetExperimentCommand({ id: experiment!.id })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorOf(west.send(new StopExperimentCommand({ id: experiment!.id })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('every error each operation returns is one the SDK models for it', async () => {
    const east = client('us-east-1');
    const seen: Record<string, string[]> = {
      GetExperimentTemplate: [await errorOf(east.send(new GetExperimentTemplateCommand({ id: 'EXTnope' })))],
      GetExperiment: [await errorOf(east.send(new GetExperimentCommand({ id: 'EXPnope' })))],
      StartExperiment: [
        await errorOf(
          east.send(new StartExperimentCommand({ experimentTemplateId: 'EXTnope', clientToken: 't1' })),
        ),
      ],
      StopExperiment: [await errorOf(east.send(new StopExperimentCommand({ id: 'EXPnope' })))],
      ListExperiments: [await errorOf(east.send(new ListExperimentsCommand({ maxResults: 0 })))],
      ListTargetAccountConfigurations: [
        await errorOf(
          east.send(new ListTargetAccountConfigurationsCommand({ experimentTemplateId: 'EXTnope' })),
        ),
        await errorOf(
          east.send(
            new ListTargetAccountConfigurationsCommand({ experimentTemplateId: 'EXTeast', maxResults: 101 }),
          ),
        ),
        await errorOf(
          east.send(
            new ListTargetAccountConfigurationsCommand({ experimentTemplateId: 'EXTeast', nextToken: 'bad' }),
          ),
        ),
      ],
    };
    // The same token with another template is a conflict; refusals injected by tests are modeled ones.
    fis.addTemplate(sampleTemplate('EXTother'), 'us-east-1');
    await east.send(new StartExperimentCommand({ experimentTemplateId: 'EXTeast', clientToken: 'shared' }));
    seen.StartExperiment!.push(
      await errorOf(
        east.send(new StartExperimentCommand({ experimentTemplateId: 'EXTother', clientToken: 'shared' })),
      ),
    );
    fis.failStart({ refuse: { status: 402, type: 'ServiceQuotaExceededException', message: 'quota' } });
    seen.StartExperiment!.push(
      await errorOf(
        east.send(new StartExperimentCommand({ experimentTemplateId: 'EXTeast', clientToken: 'q' })),
      ),
    );
    // Stopping an experiment that has ended.
    const { experiment } = await east.send(
      new StartExperimentCommand({ experimentTemplateId: 'EXTeast', clientToken: 'to-end' }),
    );
    fis.endExperiment(experiment!.id!, { status: 'completed', reason: 'done' });
    seen.StopExperiment!.push(await errorOf(east.send(new StopExperimentCommand({ id: experiment!.id }))));
    for (const [op, names] of Object.entries(seen)) {
      const modeled = modeledErrors(op);
      for (const name of names) expect(modeled, `${op} returned ${name}`).toContain(name);
    }
    expect(seen.StopExperiment).toEqual(['ResourceNotFoundException', 'ValidationException']);
  });

  it('StartExperiment is idempotent by clientToken; ListExperiments pages and carries the tags', async () => {
    const east = client('us-east-1');
    const input = { experimentTemplateId: 'EXTeast', clientToken: 'idem', tags: { k: 'v' } };
    const a = await east.send(new StartExperimentCommand(input));
    const b = await east.send(new StartExperimentCommand(input));
    expect(b.experiment!.id).toBe(a.experiment!.id);
    expect(a.experiment!.actions?.stopInstances?.actionId).toBe('aws:ec2:stop-instances');
    expect(a.experiment!.targets?.checkoutInstances?.selectionMode).toBe('COUNT(1)');
    const ids: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await east.send(new ListExperimentsCommand({ maxResults: 2, nextToken }));
      for (const e of out.experiments ?? []) ids.push(e.id!);
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(a.experiment!.id);
    const all = await east.send(new ListExperimentsCommand({}));
    expect(all.experiments!.find((e) => e.id === a.experiment!.id)!.tags).toEqual({ k: 'v' });
  });

  it('ListTargetAccountConfigurations lists a template’s accounts in pages, per region', async () => {
    const east = client('us-east-1');
    fis.addTemplate(sampleTemplate('EXTmulti'), 'us-east-1');
    for (let i = 0; i < 5; i++)
      fis.addTargetAccount(
        'EXTmulti',
        {
          accountId: `11112222333${i}`,
          roleArn: `arn:aws:iam::11112222333${i}:role/fis`,
          description: `a${i}`,
        },
        'us-east-1',
      );
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await east.send(
        new ListTargetAccountConfigurationsCommand({
          experimentTemplateId: 'EXTmulti',
          maxResults: 2,
          nextToken,
        }),
      );
      for (const c of out.targetAccountConfigurations ?? []) {
        expect(c.roleArn).toBe(`arn:aws:iam::${c.accountId}:role/fis`);
        seen.push(c.accountId!);
      }
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([
      '111122223330',
      '111122223331',
      '111122223332',
      '111122223333',
      '111122223334',
    ]);
    const none = await east.send(
      new ListTargetAccountConfigurationsCommand({ experimentTemplateId: 'EXTeast' }),
    );
    expect(none.targetAccountConfigurations).toEqual([]);
    expect(
      await errorOf(
        client('us-west-2').send(
          new ListTargetAccountConfigurationsCommand({ experimentTemplateId: 'EXTmulti' }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
  });

  it('experiment states are the modeled ones; failures carry state.error', async () => {
    const east = client('us-east-1');
    fis.endNextExperiment({
      status: 'failed',
      reason: 'Target resolution failed.',
      error: { code: 'InvalidTarget', location: 'targets.checkoutInstances' },
    });
    const { experiment } = await east.send(
      new StartExperimentCommand({ experimentTemplateId: 'EXTeast', clientToken: 'fails' }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const out = await east.send(new GetExperimentCommand({ id: experiment!.id }));
    expect(out.experiment!.state).toMatchObject({
      status: 'failed',
      error: { code: 'InvalidTarget', location: 'targets.checkoutInstances' },
    });
    const allowed = new Set<string>([...Object.values(ExperimentStatus), 'cancelled']);
    for (const e of fis.started) expect(allowed, e.state.status).toContain(e.state.status);
  });
});
