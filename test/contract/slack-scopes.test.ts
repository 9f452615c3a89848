/**
 * Contract: the scope the bot declares for each method is the one Slack's Web API spec names, and the
 * fake refuses the method without it. Source: Slack's OpenAPI 2.0 description
 * (github.com/slackapi/slack-api-specs web-api/slack_web_openapi_v2_without_examples.json at commit
 * bc08db49625630e3585bf2f1322128ea04f2a7f3, MIT), each method's `security.slackAuth`, kept in
 * test/fixtures/slack-web-api/method-scopes.json for the methods whose scopes it names in today's
 * granular form (it predates granular bot scopes for chat.* and conversations.join).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { METHOD_SCOPES } from '../../src/slack/slack-api-surface.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { MANIFEST_SCOPES } from '../helpers/manifest.ts';

const root = join(import.meta.dirname, '..', '..');
const specScopes = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'slack-web-api', 'method-scopes.json'), 'utf8'),
) as Record<string, string[]>;
const manifestScopes = MANIFEST_SCOPES;

describe('method scopes against Slack’s Web API spec', () => {
  it('each declared scope is one Slack names for the method, and the manifest asks for it', () => {
    for (const [method, scopes] of Object.entries(specScopes)) {
      expect(METHOD_SCOPES, method).toHaveProperty([method]);
      expect(scopes, method).toContain(METHOD_SCOPES[method]);
      expect(manifestScopes, method).toContain(METHOD_SCOPES[method]);
    }
  });

  it('users.info: users:read is the one scope Slack names, so it is the minimal one', () => {
    expect(specScopes['users.info']).toEqual(['users:read']);
    expect(METHOD_SCOPES['users.info']).toBe('users:read');
  });

  it('the fake refuses users.info to a token without users:read, as Slack does', async () => {
    const slack = new FakeSlack({ scopes: ['chat:write'] });
    await slack.start();
    slack.addUser({ id: 'U0ALICE01', name: 'alice' });
    try {
      const r = await new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl })
        .apiCall('users.info', { user: 'U0ALICE01' })
        .catch((e: { data: Record<string, unknown> }) => e.data);
      expect(r).toMatchObject({ ok: false, error: 'missing_scope', needed: 'users:read' });
    } finally {
      await slack.stop();
    }
  });
});
