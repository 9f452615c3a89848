import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SLASH_COMMANDS } from '../../src/core/commands.ts';
import { INVESTIGATE_COMMAND } from '../../src/slack/alerts.ts';
import { manifest } from '../helpers/manifest.ts';

const root = join(import.meta.dirname, '..', '..');

describe('manifest.yml', () => {
  it("validates against Slack's published app manifest schema", () => {
    const schema = JSON.parse(
      readFileSync(join(root, 'test', 'fixtures', 'slack-manifest.schema.1.0.0.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('declares exactly the commands the bot registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      [...SLASH_COMMANDS, INVESTIGATE_COMMAND].sort(),
    );
  });

  it('has Socket Mode and interactivity on, and the events thread follow-ups need', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.channels', 'message.groups', 'app_mention']),
    );
  });

  it('asks for the minimal bot scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'app_mentions:read',
        'channels:history',
        'channels:join',
        'chat:write',
        'commands',
        'files:write',
        'groups:history',
        'usergroups:read',
        'users:read',
        'reactions:write',
        'im:history',
        'assistant:write',
      ].sort(),
    );
  });
});
