/**
 * The Lambda emulator through the real @aws-sdk/client-lambda: GetFunctionConfiguration answers parse into
 * the SDK's FunctionConfiguration (State, LastUpdateStatus and their reason codes), by name, ARN, or ARN with a
 * version/alias; an unknown function or qualifier is ResourceNotFoundException and an ARN of another region or a
 * contradicting Qualifier InvalidParameterValueException, errors the SDK models for the operation; a name
 * outside Lambda's pattern is refused by request validation. Then the adapter over it.
 */
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsLambdaTargets } from '../../src/adapters/lambda.ts';
import { LambdaEmulator } from '../../src/stand-ins/lambda-emulator.ts';
import { errorOf, modelledErrors } from '../helpers/sdk-model.ts';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const TYPE = 'aws:lambda:function';

describe('Lambda emulator contract', () => {
  const lambda = new LambdaEmulator();
  const client = (region = 'us-east-1') =>
    new LambdaClient({ region, endpoint: lambda.url, credentials: CREDS, maxAttempts: 1 });
  let checkout = '';
  let orders = '';
  beforeAll(() => lambda.start());
  afterAll(() => lambda.stop());
  beforeEach(() => {
    lambda.clear();
    checkout = lambda.putFunction('us-east-1', 'checkout', { qualifiers: ['live', '3'] });
    orders = lambda.putFunction('us-east-1', 'orders', { runtime: 'python3.13' });
  });

  it('answers in the SDK shape, by name, ARN and qualified ARN', async () => {
    const byName = await client().send(new GetFunctionConfigurationCommand({ FunctionName: 'checkout' }));
    expect([byName.FunctionArn, byName.State, byName.LastUpdateStatus, byName.Runtime]).toEqual([
      checkout,
      'Active',
      'Successful',
      'nodejs22.x',
    ]);
    const alias = await client().send(
      new GetFunctionConfigurationCommand({ FunctionName: `${checkout}:live` }),
    );
    expect(alias.FunctionArn).toBe(`${checkout}:live`);
    const version = await client().send(
      new GetFunctionConfigurationCommand({ FunctionName: checkout, Qualifier: '3' }),
    );
    expect(version.Version).toBe('3');
  });

  it('errors as Lambda models them', async () => {
    const modelled = modelledErrors('client-lambda', 'GetFunctionConfiguration');
    const notFound = [
      client().send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })),
      client().send(new GetFunctionConfigurationCommand({ FunctionName: `${checkout}:canary` })),
      client('us-west-2').send(new GetFunctionConfigurationCommand({ FunctionName: 'checkout' })),
    ];
    for (const c of notFound) expect(await errorOf(c)).toBe('ResourceNotFoundException');
    const invalid = [
      client('us-west-2').send(new GetFunctionConfigurationCommand({ FunctionName: checkout })),
      client().send(
        new GetFunctionConfigurationCommand({ FunctionName: `${checkout}:live`, Qualifier: '3' }),
      ),
    ];
    for (const c of invalid) expect(await errorOf(c)).toBe('InvalidParameterValueException');
    for (const e of ['ResourceNotFoundException', 'InvalidParameterValueException'])
      expect(modelled).toContain(e);
    // Request validation (Lambda's ValidationException, common to every operation) for a malformed name.
    expect(
      await errorOf(client().send(new GetFunctionConfigurationCommand({ FunctionName: 'bad name!' }))),
    ).toBe('ValidationException');
    expect(
      await errorOf(client().send(new GetFunctionConfigurationCommand({ FunctionName: 'x'.repeat(171) }))),
    ).toBe('ValidationException');
  });

  it('the adapter: descriptions by ARN, health naming state and update status, a deleted function gone', async () => {
    const port = new AwsLambdaTargets({ endpoint: lambda.url, credentials: CREDS });
    const d = await port.describe('us-east-1', TYPE, [checkout, orders, `${checkout}:live`]);
    expect(d.get(orders)?.Runtime).toBe('python3.13');
    expect(d.get(`${checkout}:live`)?.FunctionArn).toBe(`${checkout}:live`);
    lambda.setFunction('us-east-1', 'checkout', {
      lastUpdateStatus: 'Failed',
      lastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
    });
    lambda.remove('us-east-1', 'orders');
    expect(await port.health('us-east-1', TYPE, [checkout, orders])).toEqual([
      { arn: checkout, healthy: false, state: 'state Active, last update Failed (SubnetOutOfIPAddresses)' },
      { arn: orders, healthy: false, state: 'does not exist any more' },
    ]);
    lambda.setFunction('us-east-1', 'checkout', { lastUpdateStatus: 'Successful' });
    expect((await port.health('us-east-1', TYPE, [checkout]))[0]).toMatchObject({ healthy: true });
    expect([...(await port.describe('us-east-1', TYPE, [checkout, orders])).keys()]).toEqual([checkout]);
  });
});
