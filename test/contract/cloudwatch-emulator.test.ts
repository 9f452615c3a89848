/**
 * The CloudWatch emulator against material nobody here wrote, driven through the real
 * @aws-sdk/client-cloudwatch: every error it returns is one the SDK models for the operation (the
 * `@throws` of dist-types/commands/*Command.d.ts) or one of the query API's common errors; every
 * member it returns is a member of the SDK's output structures (dist-types/models/models_0.d.ts), with
 * state values from the SDK's StateValue enum; and the limits the model documents (AlarmTypes default,
 * AlarmNames/AlarmNamePrefix exclusive) hold. Then the AlarmPort adapter over it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  paginateDescribeAlarms,
  StateValue,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsCloudWatch } from '../../src/adapters/cloudwatch.ts';
import { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';

const sdkDir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-cloudwatch/package.json'));
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
/**
 * The query API's common errors (CloudWatch API reference, "Common Errors"), returned for any
 * operation; the SDK names each query code by its modeled exception (ValidationError → ValidationException).
 */
const COMMON = new Set([
  'ValidationException',
  'ValidationError',
  'InvalidParameterCombinationException',
  'InvalidParameterValueException',
  'MissingAuthenticationToken',
]);

function modeledErrors(op: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'commands', `${op}Command.d.ts`), 'utf8');
  return new Set(
    [...dts.matchAll(/@throws \{@link (\w+)\}/g)]
      .map((m) => m[1]!)
      .filter((n) => n !== 'CloudWatchServiceException'),
  );
}

/** Member names of an output structure as the SDK declares it. */
function members(shape: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'models', 'models_0.d.ts'), 'utf8');
  const start = dts.indexOf(`export interface ${shape} {`);
  if (start < 0) throw new Error(`no ${shape} in the SDK model`);
  const body = dts.slice(start, dts.indexOf('\n}\n', start));
  return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!));
}

describe('CloudWatch emulator contract (SDK model)', () => {
  const cw = new CloudWatchEmulator();
  const client = (region = 'us-east-1') =>
    new CloudWatchClient({ region, endpoint: cw.url, credentials: CREDS, maxAttempts: 1 });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  /** An unsigned request, as a client without credentials would send it. */
  const unsigned = (target: string, body: unknown) =>
    fetch(cw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body: JSON.stringify(body),
    });
  beforeAll(() => cw.start());
  afterAll(() => cw.stop());
  beforeEach(() => cw.clear());

  it('refuses unsigned requests', async () => {
    const r = await unsigned('GraniteServiceVersion20100801.DescribeAlarms', {});
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
  });

  it('every error each operation returns is modeled for it or a common query error', async () => {
    const c = client();
    const seen: Record<string, string[]> = {
      DescribeAlarms: [
        await errorOf(c.send(new DescribeAlarmsCommand({ NextToken: 'bm90LWEtdG9rZW4' }))),
        await errorOf(c.send(new DescribeAlarmsCommand({ MaxRecords: 101 }))),
        await errorOf(
          c.send(new DescribeAlarmsCommand({ AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) })),
        ),
        await errorOf(c.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' }))),
      ],
      DescribeAlarmHistory: [
        await errorOf(c.send(new DescribeAlarmHistoryCommand({ NextToken: 'bm90LWEtdG9rZW4' }))),
        await errorOf(c.send(new DescribeAlarmHistoryCommand({ MaxRecords: 0 }))),
      ],
    };
    for (const [op, errors] of Object.entries(seen)) {
      const allowed = modeledErrors(op);
      expect(allowed.size, `${op} models at least one error`).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e, `${op} answered`).not.toBe('no error');
        expect(
          allowed.has(e) || COMMON.has(e),
          `${op} returned ${e}, which is neither modeled nor common`,
        ).toBe(true);
      }
    }
    expect(seen.DescribeAlarms![0]).toBe('InvalidNextToken');
    expect(seen.DescribeAlarms![3]).toBe('InvalidParameterCombinationException');
  });

  it('answers with the SDK output members only, state values from StateValue, timestamps as dates', async () => {
    cw.putAlarm({ name: 'checkout-5xx', state: 'OK' });
    cw.putAlarm({ name: 'checkout-health', kind: 'CompositeAlarm', state: 'ALARM' });
    cw.setAlarmState('checkout-5xx', 'ALARM', 'Threshold Crossed');
    const out = await client().send(
      new DescribeAlarmsCommand({
        AlarmNames: ['checkout-5xx', 'checkout-health'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    );
    const metric = members('MetricAlarm');
    const composite = members('CompositeAlarm');
    for (const a of out.MetricAlarms ?? [])
      for (const k of Object.keys(a)) expect(metric.has(k), `MetricAlarm.${k}`).toBe(true);
    for (const a of out.CompositeAlarms ?? [])
      for (const k of Object.keys(a)) expect(composite.has(k), `CompositeAlarm.${k}`).toBe(true);
    expect(out.MetricAlarms?.[0]).toMatchObject({ AlarmName: 'checkout-5xx', StateValue: StateValue.ALARM });
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(out.CompositeAlarms?.[0]?.AlarmArn).toBe(
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-health',
    );
    const hist = await client().send(
      new DescribeAlarmHistoryCommand({
        AlarmName: 'checkout-5xx',
        HistoryItemType: 'StateUpdate',
        ScanBy: 'TimestampAscending',
      }),
    );
    const item = members('AlarmHistoryItem');
    for (const h of hist.AlarmHistoryItems ?? [])
      for (const k of Object.keys(h)) expect(item.has(k), `AlarmHistoryItem.${k}`).toBe(true);
    expect(hist.AlarmHistoryItems?.map((h) => h.HistorySummary)).toEqual([
      'Alarm updated from INSUFFICIENT_DATA to OK',
      'Alarm updated from OK to ALARM',
    ]);
  });

  it('without AlarmTypes only metric alarms come back (a composite alarm looks absent)', async () => {
    cw.putAlarm({ name: 'composite', kind: 'CompositeAlarm', state: 'OK' });
    const out = await client().send(new DescribeAlarmsCommand({ AlarmNames: ['composite'] }));
    expect(out.MetricAlarms ?? []).toEqual([]);
    expect(out.CompositeAlarms ?? []).toEqual([]);
  });

  it('pages with opaque tokens bound to their query; each region has its own alarms', async () => {
    for (let i = 0; i < 130; i++) cw.putAlarm({ name: `a${String(i).padStart(3, '0')}`, state: 'OK' });
    const names: string[] = [];
    for await (const page of paginateDescribeAlarms({ client: client(), pageSize: 100 }, {}))
      names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName!));
    expect(names).toHaveLength(130);
    const first = await client().send(new DescribeAlarmsCommand({ MaxRecords: 10 }));
    expect(first.NextToken).toBeTruthy();
    expect(
      await errorOf(
        client().send(
          new DescribeAlarmsCommand({ MaxRecords: 10, AlarmNamePrefix: 'a1', NextToken: first.NextToken }),
        ),
      ),
    ).toBe('InvalidNextToken');
    const west = await client('us-west-2').send(new DescribeAlarmsCommand({ AlarmNames: ['a001'] }));
    expect(west.MetricAlarms ?? []).toEqual([]);
  });

  it('keeps the history of a deleted alarm', async () => {
    cw.putAlarm({ name: 'gone', state: 'ALARM' });
    cw.deleteAlarm('gone');
    const out = await client().send(new DescribeAlarmsCommand({ AlarmNames: ['gone'] }));
    expect(out.MetricAlarms ?? []).toEqual([]);
    const hist = await client().send(new DescribeAlarmHistoryCommand({ AlarmName: 'gone' }));
    expect(hist.AlarmHistoryItems).toHaveLength(1);
  });
});

describe('AlarmPort adapter over the emulator', () => {
  const cw = new CloudWatchEmulator();
  let port: AwsCloudWatch;
  beforeAll(async () => {
    await cw.start();
    port = new AwsCloudWatch({ endpoint: cw.url, credentials: CREDS });
  });
  afterAll(() => cw.stop());

  it('reads every kind of alarm, leaves missing names out, and pages past 100 names', async () => {
    cw.putAlarm({ name: 'metric', state: 'OK' });
    cw.putAlarm({ name: 'composite', kind: 'CompositeAlarm', state: 'ALARM', reason: 'child in ALARM' });
    cw.putAlarm({ name: 'log', kind: 'LogAlarm' });
    const many = Array.from({ length: 150 }, (_, i) => `m${i}`);
    for (const n of many) cw.putAlarm({ name: n, state: 'OK' });
    const got = await port.describeAlarms('us-east-1', ['metric', 'composite', 'log', 'missing', ...many]);
    const byName = new Map(got.map((a) => [a.name, a]));
    expect(byName.get('metric')).toMatchObject({ kind: 'metric', state: 'OK' });
    expect(byName.get('composite')).toMatchObject({
      kind: 'composite',
      state: 'ALARM',
      reason: 'child in ALARM',
    });
    expect(byName.get('log')).toMatchObject({ kind: 'log', state: 'INSUFFICIENT_DATA' });
    expect(byName.has('missing')).toBe(false);
    expect(got).toHaveLength(153);
  });

  it('returns state changes since a time, oldest first', async () => {
    cw.putAlarm({ name: 'h', state: 'OK' });
    await new Promise((r) => setTimeout(r, 5));
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    cw.setAlarmState('h', 'ALARM', 'breach');
    cw.setAlarmState('h', 'OK', 'recovered');
    const changes = await port.stateHistory('us-east-1', 'h', since);
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      ['OK', 'ALARM'],
      ['ALARM', 'OK'],
    ]);
  });

  it('turns a refusal into an AlarmError that says it was refused', async () => {
    cw.failOperation('DescribeAlarms', { status: 400, code: 'ValidationError', message: 'nope' });
    await expect(port.describeAlarms('us-east-1', ['x'])).rejects.toMatchObject({
      code: 'ValidationException',
      refused: true,
    });
  });
});
