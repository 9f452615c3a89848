/**
 * allowedTools patterns against the AgentCore harness documentation (fixture:
 * test/fixtures/agentcore/harness-allowed-tools.json): every documented form is accepted, by the bot's
 * check and by the harness emulator; what the service refuses, or what matches nothing, is refused; every
 * command in the registry allows only documented patterns that name a built-in or a tool the bot knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COST_GATEWAY_TOOL, ROUTES } from '../../src/core/commands.ts';
import { allowedToolProblem, BUILTIN_TOOLS } from '../../src/harness-allowed-tools.ts';
import { AWS_KNOWLEDGE_MCP, parseJsonSetting, toolList } from '../../src/harness-catalog.ts';
import { allowedToolsProblem } from '../../src/stand-ins/harness-validate-config.ts';

const doc = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/agentcore/harness-allowed-tools.json'), 'utf8'),
) as {
  limits: { maxLength: number };
  builtins: string[];
  patterns: { form: string; example: string }[];
};
/** The servers the documentation's examples name. */
const DOC_SERVERS = ['git', 'aws-mcp'];

describe('allowedTools patterns as documented', () => {
  it('knows the documented built-ins', () => {
    expect([...BUILTIN_TOOLS]).toEqual(doc.builtins);
  });

  it.each(doc.patterns.map((p) => [p.form, p.example]))('accepts %s (%s)', (_form, example) => {
    expect(allowedToolProblem(example, DOC_SERVERS)).toBeUndefined();
    expect(allowedToolsProblem([example])).toBeUndefined();
  });

  it('refuses what the service refuses, with the reason', () => {
    for (const bad of ['@git/a/b', 'x'.repeat(doc.limits.maxLength + 1), '']) {
      expect(allowedToolProblem(bad, DOC_SERVERS), bad).toMatch(/not an allowedTools pattern/);
      expect(allowedToolsProblem([bad])?.errorType, bad).toBe('ValidationException');
    }
  });

  it('refuses patterns that match no built-in or no tool of the harness', () => {
    expect(allowedToolProblem('bash', DOC_SERVERS)).toMatch(/matches no built-in tool/);
    expect(allowedToolProblem('@builtin/bash', DOC_SERVERS)).toMatch(/matches no built-in tool/);
    expect(allowedToolProblem('@jira', DOC_SERVERS)).toMatch(
      /names no tool of the harness \(its tools: git, aws-mcp\)/,
    );
    expect(allowedToolProblem('@*-gw/list', DOC_SERVERS)).toMatch(/names no tool/);
    expect(allowedToolProblem('shell/x', DOC_SERVERS)).toMatch(/@server\/tool/);
  });
});

describe('the command registry', () => {
  const known = [AWS_KNOWLEDGE_MCP.name, COST_GATEWAY_TOOL];

  it('every allowedTools item is a documented pattern naming a built-in or a tool the bot knows', () => {
    const restricted = ROUTES.filter((r) => r.allowedTools);
    expect(restricted.length).toBeGreaterThan(0);
    for (const r of restricted)
      for (const item of r.allowedTools!)
        expect(allowedToolProblem(item, known), `${r.id}: ${item}`).toBeUndefined();
  });

  it('no tool in settings may be named "builtin": @builtin already means every built-in tool', () => {
    const problem = parseJsonSetting(
      toolList,
      JSON.stringify([{ type: 'remote_mcp', name: 'builtin', url: 'https://mcp.example.com' }]),
    );
    expect(problem).toMatch(/builtin.*reserved/);
  });
});
