/**
 * "Simulate an alarm" in the sandbox: one notification per format the bot recognises, posted by a
 * pretend app in the channel being read, so a newcomer sees the note, clicks Investigate and watches
 * the investigation. The layouts follow the published samples in test/fixtures/alerts; names and
 * times are the demo's own, so each click is a fresh alarm episode.
 */
import type { CloudWatchEmulator } from '../stand-ins/cloudwatch-emulator.ts';

export interface DemoAlarm {
  id: string;
  label: string;
  message(now: number): Record<string, unknown>;
}

export const DEMO_ALARM_REGION = 'us-east-1';
const ACCOUNT = '111122223333';

/** What Slack does to a webhook's text: `&`, `<` and `>` are escaped. */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

export const DEMO_ALARMS: DemoAlarm[] = [
  {
    id: 'amazon-q',
    label: 'Amazon Q Developer (CloudWatch alarm)',
    message: () => ({
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B0AMAZONQ',
      bot_profile: { id: 'B0AMAZONQ', app_id: 'A0AMAZONQ', name: 'Amazon Q' },
      text: [
        'The alarm checkout-5xx changed state to ALARM: Threshold Crossed: 3 datapoints were greater than the threshold (25.0).',
        `https://${DEMO_ALARM_REGION}.console.aws.amazon.com/cloudwatch/home?region=${DEMO_ALARM_REGION}#alarmsV2:alarm/checkout-5xx`,
      ].join('\n'),
    }),
  },
  {
    id: 'sns',
    label: 'SNS alarm JSON (webhook)',
    message: (now) => {
      const alarm = {
        AlarmName: 'orders-db-cpu',
        AlarmDescription: 'Orders database CPU above 80%',
        AWSAccountId: ACCOUNT,
        NewStateValue: 'ALARM',
        NewStateReason:
          'Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (80.0) (minimum 2 datapoints for OK -> ALARM transition).',
        StateChangeTime: cwTime(now),
        Region: 'US East (N. Virginia)',
        AlarmArn: `arn:aws:cloudwatch:${DEMO_ALARM_REGION}:${ACCOUNT}:alarm:orders-db-cpu`,
        OldStateValue: 'OK',
        Trigger: {
          MetricName: 'CPUUtilization',
          Namespace: 'AWS/RDS',
          StatisticType: 'Statistic',
          Statistic: 'AVERAGE',
          Unit: null,
          Dimensions: [{ value: 'orders-db', name: 'DBInstanceIdentifier' }],
          Period: 300,
          EvaluationPeriods: 2,
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 80.0,
        },
      };
      const notification = {
        Type: 'Notification',
        MessageId: `demo-${now}`,
        TopicArn: `arn:aws:sns:${DEMO_ALARM_REGION}:${ACCOUNT}:ops-alarms`,
        Subject: 'ALARM: "orders-db-cpu" in US East (N. Virginia)',
        Message: JSON.stringify(alarm),
        Timestamp: new Date(now).toISOString(),
      };
      return {
        type: 'message',
        subtype: 'bot_message',
        bot_id: 'B0SNSHOOK',
        username: 'sns-to-slack',
        text: escaped(JSON.stringify(notification, null, 2)),
      };
    },
  },
  {
    id: 'alertmanager',
    label: 'Alertmanager (default template)',
    message: () => {
      const title = '[FIRING:2] KubePodCrashLooping payments (critical prod)';
      const link = 'http://alertmanager.demo:9093/#/alerts?receiver=slack-oncall';
      return {
        type: 'message',
        subtype: 'bot_message',
        bot_id: 'B0AMHOOK',
        username: 'Alertmanager',
        text: '',
        attachments: [
          { title, title_link: link, text: '', fallback: `${title} | ${link}`, color: 'danger', footer: '' },
        ],
      };
    },
  },
  {
    id: 'pagerduty',
    label: 'PagerDuty (Slack app)',
    message: () => ({
      type: 'message',
      bot_id: 'B0PAGERD',
      bot_profile: { id: 'B0PAGERD', app_id: 'A0PAGERD', name: 'PagerDuty' },
      text: 'Triggered: #42 Checkout latency above SLO',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':red_circle: *Triggered* <https://demo.pagerduty.com/incidents/Q0DEMO42|#42: Checkout latency above SLO>',
          },
        },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Service:*\ncheckout-api' }] },
      ],
    }),
  },
];

/** The sandbox's CloudWatch holds the demo's alarm, so `/investigate checkout-5xx` works too. */
export function seedDemoAlarms(cw: CloudWatchEmulator): void {
  cw.putAlarm(
    {
      name: 'checkout-5xx',
      definition: {
        description: 'Checkout returns server errors',
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: [{ name: 'LoadBalancer', value: 'app/checkout/50dc6c495c0c9188' }],
        threshold: 25,
        comparison: 'GreaterThanThreshold',
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 3,
      },
      state: 'OK',
    },
    DEMO_ALARM_REGION,
  );
  cw.setAlarmState(
    'checkout-5xx',
    'ALARM',
    'Threshold Crossed: 3 datapoints were greater than the threshold (25.0).',
    DEMO_ALARM_REGION,
  );
}
