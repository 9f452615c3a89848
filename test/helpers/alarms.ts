/** The alarm the /investigate tests look at: a load balancer's 5xx alarm, defined as CloudWatch returns it, now in ALARM. */
import type { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';

export function putCheckout5xxAlarm(cw: CloudWatchEmulator, description?: string): void {
  cw.putAlarm({
    name: 'checkout 5xx',
    state: 'OK',
    definition: {
      ...(description ? { description } : {}),
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions: [{ name: 'LoadBalancer', value: 'app/checkout/50dc6c495c0c9188' }],
      threshold: 25,
      comparison: 'GreaterThanThreshold',
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 3,
    },
  });
  cw.setAlarmState('checkout 5xx', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 25.');
}
