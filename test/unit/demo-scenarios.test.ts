/**
 * The sandbox's demo runs tell coherent stories: each skill's follow-ups stay on its topic, the FIS
 * story names one template, region and alarm from prepare to report, and a thread whose session was
 * replaced answers its new message. The prompts are the bot's own (parseCommand, rehydrationPrompt),
 * so a change in how the bot asks shows up here. Transcripts are golden files (UPDATE_GOLDEN=1).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/command-parser.ts';
import { rehydrationPrompt } from '../../src/core/rehydrate.ts';
import { DEMO_TEMPLATE, DEMO_TEMPLATE_REGION, fisWorld, STOP_ALARM } from '../../src/sandbox/demo-fis.ts';
import { demoScenarios } from '../../src/sandbox/demo-scenarios.ts';
import type { Invocation, Reply, Step } from '../../src/stand-ins/harness-emulator.ts';
import { APPROVAL_TOOL_NAME } from '../../src/stand-ins/scenarios.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

function golden(name: string, text: string): void {
  const file = join(GOLDEN, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

interface Said {
  text: string;
  commands: string[];
  approval?: { experimentTemplateId: string; region: string; summary: string; expectedImpact: string };
}

/** What a person sees of a reply: its text, the commands its tools ran, and an approval request. */
function said(reply: Reply): Said {
  if (!('steps' in reply)) throw new Error(`an HTTP error: ${reply.errorType}`);
  let text = '';
  const commands: string[] = [];
  let toolName = '';
  let toolInput = '';
  let approval: Said['approval'];
  // The stream events' payloads, loosely typed: only the fields a person would see are read.
  type Data = {
    start?: { toolUse?: { name: string } };
    delta?: { text?: string; toolUse?: { input: string } };
  };
  for (const s of reply.steps as Array<Step & { event?: string; data?: Data }>) {
    if (s.event === 'contentBlockStart' && s.data?.start?.toolUse) {
      toolName = s.data.start.toolUse.name;
      toolInput = '';
    }
    if (s.event === 'contentBlockDelta' && typeof s.data?.delta?.text === 'string') text += s.data.delta.text;
    if (s.event === 'contentBlockDelta' && s.data?.delta?.toolUse) toolInput += s.data.delta.toolUse.input;
    if (s.event === 'contentBlockStop' && toolName) {
      const input = JSON.parse(toolInput);
      if (toolName === APPROVAL_TOOL_NAME) approval = input;
      else commands.push(input.command ?? `${toolName} ${input.search_phrase}`);
      toolName = '';
    }
  }
  return { text, commands, approval };
}

class Thread {
  readonly sessionId = `session-${Math.random().toString(36).slice(2)}`;
  private n = 0;
  constructor(
    readonly scenario: ReturnType<typeof demoScenarios>,
    private readonly approvalTool = false,
  ) {}

  ask(text: string, sessionId = this.sessionId): Said {
    return said(this.scenario(this.invocation([{ text }], sessionId)));
  }

  resume(result: Record<string, unknown>): Said {
    return said(
      this.scenario(this.invocation([{ toolResult: { toolUseId: 't1', content: [{ json: result }] } }])),
    );
  }

  private invocation(content: Array<Record<string, unknown>>, sessionId = this.sessionId): Invocation {
    return {
      id: `inv-${++this.n}`,
      harnessArn: 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/x',
      qualifier: undefined,
      sessionId,
      userId: 'U1',
      authorization: undefined,
      body: {
        messages: [{ role: 'user', content }],
        ...(this.approvalTool ? { tools: [{ type: 'inline_function', name: APPROVAL_TOOL_NAME }] } : {}),
      },
      history: [],
      microVm: 1,
      startedAt: 0,
      status: 200,
    };
  }
}

/** The prompt the bot sends for a slash command (default region us-west-2, as in the sandbox). */
function prompt(command: string, text: string): string {
  const parsed = parseCommand(command, text, 'us-west-2');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.route.prompt(parsed.params);
}

function setup() {
  const templates: string[] = [];
  const world = fisWorld((t) => templates.push(JSON.stringify(t)));
  return { world, templates, scenario: demoScenarios(world) };
}

function transcript(turns: Array<[string, Said]>): string {
  return `${turns
    .map(([asked, s]) => `> ${asked}\n\n${s.commands.map((c) => `    $ ${c}\n`).join('')}\n${s.text}\n`)
    .join('\n---\n\n')}`;
}

const QUESTIONS = ['How much does this cost?', 'How do I fix it?', 'What should I look at first?'];
const RUNS: Array<[string, string, string]> = [
  ['assess-eks', '/assess', 'eks my-cluster us-west-2'],
  ['assess-rds', '/assess', 'rds orders-db eu-central-1'],
  ['chaos-rds', '/chaos', 'rds orders-db us-east-1'],
  ['chaos-ec2', '/chaos', 'ec2 checkout us-east-1'],
  ['fis-prepare', '/fis', 'prepare stop one EC2 instance of the checkout ASG in us-east-1 for 5 minutes'],
  ['logs', '/logs', '/aws/lambda/checkout 1h us-east-1'],
];

describe('sandbox demo runs', () => {
  for (const [name, command, args] of RUNS) {
    it(`${command} ${args}: the report and its follow-ups stay on topic (golden)`, () => {
      const thread = new Thread(setup().scenario);
      const asked = `${command} ${args}`;
      const turns: Array<[string, Said]> = [[asked, thread.ask(prompt(command, args))]];
      for (const q of QUESTIONS) turns.push([q, thread.ask(q)]);
      golden(`demo-${name}`, transcript(turns));
    });
  }

  it('/logs over 7 days is a long answer (over LONG_ANSWER_FILE_CHARS, so it is also attached as answer.md)', () => {
    const week = new Thread(setup().scenario).ask(prompt('/logs', '/aws/lambda/checkout 7d us-east-1'));
    expect(week.text.length).toBeGreaterThan(11_000);
    expect(week.text.match(/#### Day \d/g)).toHaveLength(7);
    const hour = new Thread(setup().scenario).ask(prompt('/logs', '/aws/lambda/checkout 1h us-east-1'));
    expect(hour.text.length).toBeLessThan(2_000);
  });

  it('answers a cost question about cost, not with the PodDisruptionBudget fix because it says "how"', () => {
    const thread = new Thread(setup().scenario);
    thread.ask(prompt('/assess', 'eks my-cluster us-west-2'));
    const cost = thread.ask('how much does this cost?');
    expect(cost.text).toContain('$');
    expect(cost.text).not.toContain('PodDisruptionBudget');
    expect(thread.ask('How do I fix the single-replica deployments?').text).toContain('PodDisruptionBudget');
  });

  it('keeps a /logs thread about logs: no Kubernetes answers', () => {
    const thread = new Thread(setup().scenario);
    thread.ask(prompt('/logs', '/aws/lambda/checkout 1h us-east-1'));
    for (const q of [...QUESTIONS, 'which node version?', 'how do I upgrade?']) {
      const a = thread.ask(q);
      expect(a.text, q).not.toMatch(/kubectl|PodDisruptionBudget|node group|kubelet/i);
      expect(a.commands.join(' '), q).not.toContain('kubectl');
    }
  });

  it('answers a fresh mention without referring to a report that does not exist', () => {
    const thread = new Thread(setup().scenario);
    for (const q of ['why is checkout slow?', 'how much does this cost?', 'hello']) {
      expect(thread.ask(q).text, q).not.toMatch(/report above|nothing changed|the assessment above/i);
    }
  });

  it('/chaos rds orders-db talks about RDS, not EC2 instances and load balancers', () => {
    const a = new Thread(setup().scenario).ask(prompt('/chaos', 'rds orders-db us-east-1'));
    expect(a.text).toContain('RDS `orders-db` (us-east-1)');
    expect(a.text).toContain('aws:rds:reboot-db-instances');
    expect(a.text).not.toMatch(/load balancer|ec2:stop-instances/i);
    expect(a.commands.join('\n')).not.toContain('aws ec2');
  });

  it('tells one FIS story: prepare, "run it", the approval request and the report name the same template, region and alarm', () => {
    const { scenario, world, templates } = setup();
    const prep = new Thread(scenario, true);
    const prepared = prep.ask(
      prompt('/fis', 'prepare stop one EC2 instance of the checkout ASG in eu-west-1 for 5 minutes'),
    );
    const id = /Created as template \*\*(EXT[A-Za-z0-9]+)\*\* in eu-west-1/.exec(prepared.text)?.[1];
    expect(id).toBeDefined();
    expect(world.regionOf(id!)).toBe('eu-west-1');
    // The template the FIS emulator holds (what the approval card shows) is the one in the report.
    const stored = JSON.parse(templates.at(-1)!);
    expect(stored.id).toBe(id);
    expect(prepared.text).toContain(`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${STOP_ALARM}`);
    expect(JSON.stringify(stored.stopConditions)).toContain(
      `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${STOP_ALARM}`,
    );

    const run = prep.ask('run it');
    expect(run.approval).toMatchObject({ experimentTemplateId: id, region: 'eu-west-1' });
    expect(run.approval!.summary).toContain('eu-west-1');
    expect(run.approval!.summary).not.toMatch(/us-east-1/);
    expect(run.text).toContain(`Pre-flight checks for \`${id}\` (eu-west-1)`);
    expect(run.text).toContain(STOP_ALARM);
    expect(run.commands.every((c) => !c.includes('--region') || c.includes('--region eu-west-1'))).toBe(true);

    const outcome = prep.resume({ decision: 'approved', experimentId: 'EXP123', approver: 'U0ERIN003' });
    expect(outcome.text).toContain(`\`${id}\` (eu-west-1)`);
    expect(outcome.text).toContain(STOP_ALARM);
    expect(outcome.text).not.toMatch(/us-east-1|hypothesis confirmed/i);
    expect(outcome.commands.join('\n')).toContain('--region eu-west-1');
  });

  it('/fis run with the help text’s template: pre-flight passes and approval is requested', () => {
    const run = new Thread(setup().scenario, true).ask(
      prompt('/fis', `run ${DEMO_TEMPLATE} ${DEMO_TEMPLATE_REGION}`),
    );
    expect(run.approval).toMatchObject({ experimentTemplateId: DEMO_TEMPLATE, region: DEMO_TEMPLATE_REGION });
  });

  it('an unknown template id, or one from another region, fails pre-flight: no "checks passed", no approval request', () => {
    const thread = new Thread(setup().scenario, true);
    const unknown = thread.ask(prompt('/fis', 'run EXTdoesnotexist1 us-east-1'));
    expect(unknown.approval).toBeUndefined();
    expect(unknown.text).toContain('Pre-flight failed');
    expect(unknown.text).not.toMatch(/checks passed/i);
    const elsewhere = new Thread(setup().scenario, true).ask(
      prompt('/fis', `run ${DEMO_TEMPLATE} eu-west-1`),
    );
    expect(elsewhere.approval).toBeUndefined();
    expect(elsewhere.text).toContain(`/fis run ${DEMO_TEMPLATE} us-east-1`);
  });

  it('after Stop (a new session with the context restored) answers the new message, not the whole run again', () => {
    const { scenario } = setup();
    const thread = new Thread(scenario);
    const first = prompt('/assess', 'eks my-cluster us-west-2');
    const report = thread.ask(first).text;
    const restored = rehydrationPrompt(
      [{ user: 'U1', prompt: first, answer: report, at: 0 } as never],
      'how much would Graviton nodes save?',
    );
    const answer = thread.ask(restored, 'a-new-session');
    expect(answer.text).not.toContain('## EKS assessment');
    expect(answer.text).toContain('`my-cluster`');
    expect(answer.text).toContain('Graviton');
  });
});
