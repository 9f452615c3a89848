/**
 * The log-analysis skill's shell parts, run with bash, GNU sed, jq 1.7.1 and a fake `aws` on fixtures:
 * redaction, the time window variables, start-query errors, and the silent-group verdict.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKILLS } from '../../src/core/skills.ts';
import { runBash, runScript } from './helpers/run-script.ts';
import { codeOf, loadSkill, SKILLS_DIR } from './load.ts';

const skill = loadSkill(SKILLS.logs);
const dir = join(SKILLS_DIR, SKILLS.logs);

describe('redaction filter (assets/redact.sed) on fixture lines', () => {
  const cases: [string, string][] = [
    ['user alice@example.com from 203.0.113.7', 'user <email> from <ip>'],
    ['client 2001:db8:85a3::8a2e:370:7334 done', 'client <ip> done'],
    ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334 done', 'full <ip> done'],
    [
      'loopback ::1 and link fe80:: and mapped ::ffff:192.0.2.1',
      'loopback <ip> and link <ip> and mapped <ip>',
    ],
    [
      'aws_secret_access_key=abcDEF123/xyz+987 region=us-east-1',
      'aws_secret_access_key=<secret> region=us-east-1',
    ],
    [
      '{"aws_secret_access_key": "abcDEF123", "level": "INFO"}',
      '{"aws_secret_access_key": "<secret>", "level": "INFO"}',
    ],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key <secret> used'],
    ['card 4111 1111 1111 1111 or 4111-1111-1111-1111', 'card <number> or <number>'],
    ['amex 378282246310005 visa 4111111111111111', 'amex <number> visa <number>'],
    ['call +44 20 7946 0958 or (555) 123-4567 or 555-123-4567', 'call <pii> or <pii> or <pii>'],
    ['Cookie: session=abc123; theme=dark', 'Cookie: <secret>'],
    ['Set-Cookie: token=zzz; HttpOnly', 'Set-Cookie: <secret>'],
    ['{"cookie": "sid=xyz; q=1", "path": "/cart"}', '{"cookie": "<secret>", "path": "/cart"}'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer <secret>'],
    // What must survive: epoch timestamps (ms, µs, ns), ISO times, durations, UUIDs, C++ scopes.
    [
      'ts=1732924800123 us=1732924800123456 ns=1732924800123456789',
      'ts=1732924800123 us=1732924800123456 ns=1732924800123456789',
    ],
    [
      'at 2024-11-30T00:00:00.123Z took 1234 ms time 12:30:45',
      'at 2024-11-30T00:00:00.123Z took 1234 ms time 12:30:45',
    ],
    [
      'req 12345678-1234-1234-1234-123456789012 std::vector',
      'req 12345678-1234-1234-1234-123456789012 std::vector',
    ],
  ];

  it.each(cases)('%s', (input, expected) => {
    const run = runBash('sed -E -f "$1"', { args: [join(dir, 'assets', 'redact.sed')], stdin: `${input}\n` });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${expected}\n`);
  });

  it('the skill points at the filter file', () => {
    expect(skill.body).toContain('sed -E -f assets/redact.sed');
  });
});

describe('time window', () => {
  const step1 = codeOf({ rel: 'SKILL.md', text: skill.skillMd }).find((c) => c.includes('S_ISO='))!;

  it('every window variable the skill uses is set in workflow step 1', () => {
    const used = new Set(
      skill.files.flatMap((f) => [...f.text.matchAll(/\$\{?([SEC]_ISO|START|END)\b/g)].map((m) => m[1]!)),
    );
    expect(used.size).toBeGreaterThan(3);
    for (const v of used) expect(step1, v).toMatch(new RegExp(`\\b${v}=`));
  });

  it('step 1 yields the window in ISO-8601 UTC, the correlation start 30 minutes earlier', () => {
    const run = runBash(`${step1}\necho "$START $END $S_ISO $E_ISO $C_ISO"`);
    expect(run.code).toBe(0);
    const [start, end, s, e, c] = run.stdout.trim().split(' ');
    for (const iso of [s, e, c]) expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(s!) / 1000).toBe(Number(start));
    expect(Date.parse(e!) / 1000).toBe(Number(end));
    expect(Number(end) - Number(start)).toBe(3600);
    expect(Date.parse(s!) - Date.parse(c!)).toBe(30 * 60 * 1000);
  });
});

describe('run_query.sh', () => {
  const script = join(dir, 'scripts', 'run_query.sh');
  const args = [
    '--region',
    'us-east-1',
    '--start',
    '1700000000',
    '--end',
    '1700003600',
    '--log-group',
    '/aws/lambda/x',
  ];

  it('keeps the AWS error when start-query fails, so the error table can act on it', () => {
    const run = runBash(`cd "$TMPDIR"; echo 'fields @message' > q.txt; exec bash "${script}" "$@"`, {
      args: [...args, '--query-file', 'q.txt'],
      rules: [
        {
          tool: 'aws',
          match: '^logs start-query',
          stderr:
            '\nAn error occurred (AccessDeniedException) when calling the StartQuery operation: User is not authorized to perform: logs:StartQuery\n',
          exit: 254,
        },
      ],
    });
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout);
    expect(out.status).toBe('NotStarted');
    expect(out.errorCode).toBe('AccessDeniedException');
    expect(out.error).toContain('not authorized to perform: logs:StartQuery');
  });

  it('returns rows as objects when the query completes', () => {
    const run = runBash(`cd "$TMPDIR"; echo 'fields @message' > q.txt; exec bash "${script}" "$@"`, {
      args: [...args, '--query-file', 'q.txt', '--interval', '0'],
      rules: [
        { tool: 'aws', match: '^logs start-query', stdout: 'q-123\n' },
        {
          tool: 'aws',
          match: '^logs get-query-results --region us-east-1 --query-id q-123',
          stdout: JSON.stringify({
            status: 'Complete',
            statistics: { recordsMatched: 1 },
            results: [[{ field: '@message', value: 'boom' }]],
          }),
        },
      ],
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      queryId: 'q-123',
      status: 'Complete',
      statistics: { recordsMatched: 1 },
      results: [{ '@message': 'boom' }],
    });
  });

  it('is referenced with its exit-2 error codes in the error table', () => {
    expect(skill.body).toMatch(/exit 2 with `errorCode` `AccessDeniedException`/);
  });
});

describe('group-activity.sh: a group is silent only when the window has no event', () => {
  const script = join(dir, 'scripts', 'group-activity.sh');
  const end = 1_700_003_600;
  const args = [
    '--region',
    'us-east-1',
    '--start',
    String(end - 3600),
    '--end',
    String(end),
    '--log-group',
    '/aws/lambda/x',
  ];
  // lastEventTimestamp says the newest event is 55 minutes old: AWS updates it up to an hour late.
  const streams = {
    tool: 'aws' as const,
    match: '^logs describe-log-streams',
    stdout: JSON.stringify({
      logStreams: [{ lastEventTimestamp: (end - 3300) * 1000, lastIngestionTime: end * 1000 }],
    }),
  };

  it('active when an event is in the window, whatever lastEventTimestamp says', () => {
    const run = runScript(script, args, {
      rules: [streams, { tool: 'aws', match: '^logs filter-log-events', stdout: `${(end - 60) * 1000}\n` }],
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      verdict: 'active',
      firstEventInWindow: (end - 60) * 1000,
    });
    const filter = run.calls.find((c) => c.args[1] === 'filter-log-events')!;
    expect(filter.args).toEqual(expect.arrayContaining([String((end - 3600) * 1000), String(end * 1000)]));
  });

  it('silent when no event is in the window; unknown when the lookup fails', () => {
    const silent = runScript(script, args, {
      rules: [streams, { tool: 'aws', match: '^logs filter-log-events', stdout: 'None\n' }],
    });
    expect(JSON.parse(silent.stdout).verdict).toBe('silent');
    const unknown = runScript(script, args, {
      rules: [
        streams,
        { tool: 'aws', match: '^logs filter-log-events', stderr: 'ThrottlingException', exit: 254 },
      ],
    });
    expect(JSON.parse(unknown.stdout)).toMatchObject({ verdict: 'unknown', error: 'ThrottlingException' });
  });

  it('the skill never decides silence from lastEventTimestamp', () => {
    expect(skill.body).toContain('scripts/group-activity.sh');
    expect(skill.body).not.toMatch(/latest event time[\s\S]{0,200}must fall inside/);
  });
});
