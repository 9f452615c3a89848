/** Startup problems are said once, naming the real cause and the setting to change. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('startup messages', () => {
  it('a missing HARNESS_ARN is one problem, not followed by a derived AWS_REGION one', () => {
    let problems: string[] = [];
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringContaining('HARNESS_ARN is required')]);
  });
});
