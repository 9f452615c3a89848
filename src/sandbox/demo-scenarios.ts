/**
 * Scripted agent runs for the sandbox's harness emulator: one demo per skill, with the tool calls a
 * real run makes, and answers to follow-up questions that stay on the thread's skill and target.
 *
 * What a session is about is remembered from its first run. A thread whose session was replaced
 * (after Stop, or when the harness session expired) arrives as a restored-context prompt: its topic
 * is read from the restored history, and only the new message is answered, as a real agent would.
 */
import { SKILLS } from '../core/skills.ts';
import { type Invocation, type Scenario, userText } from '../stand-ins/harness-emulator.ts';
import { APPROVAL_TOOL_NAME, offered, resumedResult } from '../stand-ins/scenarios.ts';
import {
  DEMO_TEMPLATE,
  type FisWorld,
  fisChecks,
  fisOutcome,
  fisPrepare,
  fisRequest,
  templateIdFor,
} from './demo-fis.ts';
import { followUp } from './demo-follow-ups.ts';
import { REGION, report, type Topic } from './demo-kit.ts';
import { bestPractice, chaos, eks, logs } from './demo-reports.ts';

export { DEMO_TEMPLATE } from './demo-fis.ts';

/** The marker the bot's context restoration puts before the new message (src/core/rehydrate.ts). */
const NEW_MESSAGE = '--- The new message ---\n';

const quoted = (text: string, after: string) => new RegExp(`${after} "([^"]+)"`).exec(text)?.[1];
const skillOf = (text: string) => /Use the ([a-z-]+) skill/.exec(text)?.[1];

function regionOf(text: string, skill: string | undefined): string {
  if (skill === SKILLS.fisPrepare) {
    // The goal may name a region; otherwise the command's region ("unless it names another region use …").
    const goal = /Goal \(from the user\):\n([\s\S]*?)\n\n/.exec(text)?.[1] ?? '';
    const named = REGION.exec(goal)?.[1] ?? /region use ([a-z0-9-]+)\./.exec(text)?.[1];
    if (named) return named;
  }
  return /in region ([a-z0-9-]+)/.exec(text)?.[1] ?? REGION.exec(text)?.[1] ?? 'us-east-1';
}

/** What a skill run's prompt is about (the prompts are built in src/core/commands.ts). */
export function topicOf(prompt: string): Topic | undefined {
  const skill = skillOf(prompt);
  if (!skill) return undefined;
  const region = regionOf(prompt, skill);
  const service = /AWS service ([a-z0-9-]+)/i.exec(prompt)?.[1]?.toLowerCase();
  switch (skill) {
    case SKILLS.eks:
      return { skill, region, target: quoted(prompt, 'cluster') ?? 'my-cluster' };
    case SKILLS.bestPractice:
      return { skill, region, service, target: quoted(prompt, 'resource') ?? service ?? 'the service' };
    case SKILLS.chaos:
      return {
        skill,
        region,
        service,
        target: /\(resource "([^"]+)"\)/.exec(prompt)?.[1] ?? service ?? 'the service',
      };
    case SKILLS.fisPrepare:
      return { skill, region, target: templateIdFor(region) };
    case SKILLS.fisExecute:
      return { skill, region, target: /template (EXT[A-Za-z0-9]+)/.exec(prompt)?.[1] ?? DEMO_TEMPLATE };
    case SKILLS.logs:
      return { skill, region, target: quoted(prompt, 'logs of') ?? '/aws/lambda/checkout' };
    default:
      return { skill, region, target: 'the resource' };
  }
}

/**
 * The emulator's default scenario in the sandbox. `world` is the sandbox's FIS: the templates
 * `/fis prepare` creates there are the ones pre-flight checks and the approval card read.
 */
export function demoScenarios(world: FisWorld): Scenario {
  const topics = new Map<string, Topic>();
  return (inv: Invocation) => {
    const topic = () => topics.get(inv.sessionId);
    const result = resumedResult(inv);
    if (result) {
      const t = topic();
      return fisOutcome(result, t?.target ?? DEMO_TEMPLATE, t?.region ?? 'us-east-1');
    }
    const text = userText(inv);
    const restored = text.lastIndexOf(NEW_MESSAGE);
    if (restored >= 0) {
      // A new session with the thread's history: keep its topic, answer only the new message.
      const history = text.slice(0, restored);
      const first = topicOf(history.slice(history.indexOf('asked:\n')));
      if (first && !topics.has(inv.sessionId)) topics.set(inv.sessionId, first);
      return question(inv, text.slice(restored + NEW_MESSAGE.length));
    }
    const t = topicOf(text);
    if (!t) return question(inv, text);
    topics.set(inv.sessionId, t);
    switch (t.skill) {
      case SKILLS.eks:
        return eks(t.target, t.region);
      case SKILLS.bestPractice:
        return bestPractice(t.service ?? 'rds', quoted(text, 'resource'), t.region);
      case SKILLS.chaos:
        return chaos(t.service ?? 'ec2', t.target === t.service ? undefined : t.target, t.region);
      case SKILLS.fisPrepare: {
        const goal = /Goal \(from the user\):\n([\s\S]*?)\n\n/.exec(text)?.[1] ?? text;
        world.create(t.region);
        return fisPrepare(goal, t.region, t.target);
      }
      case SKILLS.fisExecute:
        return offered(inv, APPROVAL_TOOL_NAME)
          ? fisRequest(t.target, t.region, world)
          : fisChecks(t.target, t.region, world);
      case SKILLS.logs:
        return logs(t.target, /over the last (\S+)\./.exec(text)?.[1] ?? '1h', t.region);
      default:
        return report(`I ran the ${t.skill} skill, but the sandbox has no demo for it yet.`);
    }

    /** A message in a thread (or a mention or DM): "run it" in an FIS thread, or a follow-up question. */
    function question(inv: Invocation, message: string) {
      const t = topic();
      if (offered(inv, APPROVAL_TOOL_NAME) && /\b(run|start|execute)\b/i.test(message)) {
        const template =
          /EXT[A-Za-z0-9]+/.exec(message)?.[0] ?? (t?.target.startsWith('EXT') ? t.target : DEMO_TEMPLATE);
        const region = REGION.exec(message)?.[1] ?? t?.region ?? 'us-east-1';
        topics.set(inv.sessionId, { skill: SKILLS.fisExecute, target: template, region });
        return fisRequest(template, region, world);
      }
      return followUp(message, t);
    }
  };
}
