import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recognizeAlert } from '../../src/alerts/recognize.ts';
import type { SlackMessageEvent } from '../../src/alerts/slack-message.ts';

const fixture = (name: string): SlackMessageEvent =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/alerts', name), 'utf8'));

describe('alert parsers on published samples (test/fixtures/alerts, sources in test/fixtures/README.md)', () => {
  it('raw SNS JSON (aws-lambda-go sample, SNS notification posted by a webhook): facts from the alarm inside', () => {
    const f = recognizeAlert(fixture('sns-single-metric.json'))!;
    expect(f).toMatchObject({
      source: 'sns',
      confidence: 'verified',
      name: 'EXAMPLE',
      state: 'firing',
      rawState: 'ALARM',
      previousState: 'INSUFFICIENT_DATA',
      account: '123456789012',
      changedAt: '2015-06-03T17:43:27.123Z',
      regionLabel: 'EXAMPLE',
      metric: {
        namespace: 'AWS/EC2',
        name: 'NetworkOut',
        statistic: 'AVERAGE',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        periodSeconds: 60,
        evaluationPeriods: 1,
      },
      dimensions: [{ name: 'InstanceId', value: 'TestInstance' }],
    });
    // Slack escapes ">" in webhook text; the reason reads as CloudWatch wrote it.
    expect(f.reason).toContain('OK -> ALARM transition');
    // The sample's ARN has placeholders, so it is not taken as a Region.
    expect(f.region).toBeUndefined();
  });

  it('raw SNS JSON in a code block, Lambda Records wrapper, metric-math alarm: dimensions from its metrics', () => {
    const f = recognizeAlert(fixture('sns-multiple-metrics.json'))!;
    expect(f).toMatchObject({ source: 'sns', name: 'EXAMPLE', state: 'firing' });
    expect(f.dimensions).toEqual([{ name: 'InstanceId', value: 'TestInstance' }]);
  });

  it("Alertmanager's default Slack template: group, common labels, receiver; RESOLVED is ok", () => {
    const firing = recognizeAlert(fixture('alertmanager-firing.json'))!;
    expect(firing).toMatchObject({
      source: 'alertmanager',
      confidence: 'verified',
      name: 'test',
      state: 'firing',
      rawState: 'FIRING:1',
      alarmKey: 'alertmanager:slack-sre:test',
      labels: {
        'group label values': 'test',
        'other common label values': 'vm1 critical',
        receiver: 'slack-sre',
      },
    });
    const resolved = recognizeAlert(fixture('alertmanager-resolved.json'))!;
    expect(resolved).toMatchObject({ state: 'ok', alarmKey: firing.alarmKey });
  });

  it('Amazon Q Developer (AWS Chatbot) alarm notifications: name, Region, reason, console link', () => {
    const f = recognizeAlert(fixture('amazon-q-alarm.json'))!;
    expect(f).toMatchObject({
      source: 'amazon-q',
      confidence: 'verified',
      name: 'productUpdateWebhook-DlqAlarm',
      state: 'firing',
      region: 'eu-west-1',
      reason: 'Threshold Crossed.',
      alarmKey: 'cloudwatch/eu-west-1/productUpdateWebhook-DlqAlarm',
      link: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/productUpdateWebhook-DlqAlarm',
    });
    // The same alarm with a labelled link is the same alarm.
    expect(recognizeAlert(fixture('amazon-q-linked-alarm.json'))!.alarmKey).toBe(f.alarmKey);
    expect(recognizeAlert(fixture('amazon-q-ok.json'))).toMatchObject({
      state: 'ok',
      name: 'checkout-errors',
      region: 'eu-west-3',
    });
  });

  it('the rich alarm card Amazon Q posts (CRITICAL title, Reason line, console link; no state word) is a firing alarm', () => {
    expect(recognizeAlert(fixture('amazon-q-rds-card.json'))).toMatchObject({
      source: 'amazon-q',
      confidence: 'verified',
      name: 'dialog-monolith-freeable-memory',
      state: 'firing',
      rawState: 'ALARM',
      region: 'eu-west-1',
      reason: 'Threshold Crossed: 3 datapoints were less than the threshold.',
      alarmKey: 'cloudwatch/eu-west-1/dialog-monolith-freeable-memory',
    });
    const card = fixture('amazon-q-rds-card.json');
    // Slack may store the emoji as its shortcode.
    expect(recognizeAlert({ ...card, text: card.text!.replace('🚨', ':rotating_light:') })?.state).toBe(
      'firing',
    );
    // The same card without a link to a CloudWatch alarm names nothing to look up: not an alarm.
    expect(recognizeAlert({ ...card, text: card.text!.split('\n').slice(0, 5).join('\n') })).toBeUndefined();
  });

  it('an Amazon Q message that is not an alarm is not an alert', () => {
    expect(recognizeAlert(fixture('amazon-q-unrelated.json'))).toBeUndefined();
  });

  it('PagerDuty Slack app incident messages: incident id, title, service; Resolved is ok', () => {
    const f = recognizeAlert(fixture('pagerduty-triggered.json'))!;
    expect(f).toMatchObject({
      source: 'pagerduty',
      confidence: 'verified',
      name: 'A little bump in the road',
      state: 'firing',
      service: 'API Service',
      alarmKey: 'pagerduty:acme:PGR0VU2',
      link: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      labels: { incident: '#2' },
    });
    expect(recognizeAlert(fixture('pagerduty-resolved.json'))).toMatchObject({
      state: 'ok',
      alarmKey: f.alarmKey,
    });
  });

  it('content that lives only in attachments (their blocks, or just the fallback) is read too', () => {
    // Bots such as PagerDuty post with an empty top-level text and everything in attachments
    // (github.com/anthropics/claude-code issue 58232); an attachment may hold Block Kit blocks
    // (`blocks` in MessageAttachment, @slack/types) and must carry a plain-text `fallback`.
    const pd = fixture('pagerduty-triggered.json');
    const inAttachment = recognizeAlert({
      ...pd,
      text: '',
      blocks: undefined,
      attachments: [{ color: '#d43f3a', blocks: pd.blocks }],
    });
    expect(inAttachment).toMatchObject({
      source: 'pagerduty',
      alarmKey: 'pagerduty:acme:PGR0VU2',
      name: 'A little bump in the road',
      service: 'API Service',
    });
    const onlyFallback = recognizeAlert({
      ...pd,
      text: '',
      blocks: undefined,
      attachments: [
        {
          color: '#d43f3a',
          fallback: 'Triggered <https://acme.pagerduty.com/incidents/PGR0VU2|#2: A little bump in the road>',
        },
      ],
    });
    expect(onlyFallback).toMatchObject({ alarmKey: 'pagerduty:acme:PGR0VU2', state: 'firing' });
  });

  it('unknown formats and look-alikes: nothing, or a look-alike that never counts as verified', () => {
    const base = { type: 'message', ts: '1.2', channel: 'C1', bot_id: 'B1' };
    expect(recognizeAlert({ ...base, text: 'Deploy finished: 12 services updated.' })).toBeUndefined();
    expect(recognizeAlert({ ...base, text: '{"not":"an alarm"}' })).toBeUndefined();
    expect(recognizeAlert({ ...base, text: '{broken json' })).toBeUndefined();
    // Alarm-looking text from a sender that is not the tool: a look-alike.
    const fake = recognizeAlert({
      ...base,
      bot_profile: { name: 'random-bot' },
      text: 'The alarm db-cpu changed state to ALARM: yes\nhttps://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/db-cpu',
    });
    expect(fake).toMatchObject({ source: 'amazon-q', confidence: 'lookalike', name: 'db-cpu' });
    const fakeAm = recognizeAlert({
      ...base,
      username: 'not-alertmanager',
      attachments: [{ title: '[FIRING:3] DiskFull' }],
    });
    expect(fakeAm).toMatchObject({ source: 'alertmanager', confidence: 'lookalike', name: 'DiskFull' });
    const noTime = recognizeAlert({ ...base, text: '{"AlarmName":"x","NewStateValue":"ALARM"}' });
    expect(noTime).toMatchObject({ source: 'sns', confidence: 'lookalike' });
  });

  it("AWS Chatbot's header line (CloudWatch Alarm | name | Region | Account) names the alarm and account", () => {
    // Written here after the layout AWS Chatbot used; not a recorded message.
    const f = recognizeAlert({
      type: 'message',
      ts: '1.3',
      channel: 'C1',
      bot_id: 'B2',
      bot_profile: { name: 'AWS Chatbot' },
      attachments: [
        { title: 'CloudWatch Alarm | api-5xx | us-east-1 | Account: 123456789012', text: 'State: ALARM' },
      ],
    });
    expect(f).toMatchObject({
      name: 'api-5xx',
      region: 'us-east-1',
      account: '123456789012',
      confidence: 'lookalike',
    });
  });
});
