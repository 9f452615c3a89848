/**
 * The harness-related deploy settings, validated with the same schemas the bot uses
 * (src/harness-catalog.ts), so the deploy and the bot read one definition of every harness and tool:
 *
 * - `harnessTools`: the default harness's tools (the bot's HARNESS_TOOLS); default: the AWS Knowledge MCP server.
 * - `harnesses`: further harnesses, one per function (the bot's HARNESSES), e.g.
 *   `[{"id":"cost","commands":["/cost"],"tools":[{"type":"agentcore_gateway","name":"billing","create":{…}}]}]`.
 * - `skillsSource`: `image` (default: skills baked into the harness image) or `s3` (skills/ uploaded to a
 *   bucket at deploy time; a skill change ships without rebuilding the image).
 *
 * A JSON value may be given as a string (`-c harnesses='[…]'`) or as JSON in cdk.json's context.
 */
import {
  AWS_KNOWLEDGE_MCP,
  approvalGateToolProblem,
  type HarnessSpec,
  harnessList,
  parseJsonSetting,
  type ToolSpec,
  toolList,
} from '../../src/harness-catalog.ts';

export type SkillsSource = 'image' | 's3';

export interface HarnessSettings {
  harnessTools: ToolSpec[];
  harnesses: HarnessSpec[];
  skillsSource: SkillsSource;
}

/** Harness names are `<harnessName>_<id>`; AgentCore allows 40 characters. */
const MAX_HARNESS_NAME = 40;

export function readHarnessSettings(
  get: (key: string) => unknown,
  harnessName: string,
  /** FIS approvers are set (fisApprovers / bot.FIS_APPROVERS): the approval gate is on. */
  approvalGate = false,
): { values: HarnessSettings; problems: string[] } {
  const problems: string[] = [];
  const json = <T>(key: string, schema: Parameters<typeof parseJsonSetting<T>>[0], fallback: T): T => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const v = parseJsonSetting(schema, typeof raw === 'string' ? raw : JSON.stringify(raw));
    if (typeof v === 'string') {
      problems.push(`${key} ${v}`);
      return fallback;
    }
    return v;
  };
  const harnessTools = json<ToolSpec[]>('harnessTools', toolList, [AWS_KNOWLEDGE_MCP]);
  const harnesses = json<HarnessSpec[]>('harnesses', harnessList, []);
  const source = String(get('skillsSource') ?? 'image').trim() || 'image';
  if (source !== 'image' && source !== 's3')
    problems.push(`skillsSource must be image or s3 (got "${source}")`);
  for (const h of harnesses) {
    const name = `${harnessName}_${h.id}`;
    if (name.length > MAX_HARNESS_NAME)
      problems.push(
        `harnesses: "${name}" is longer than ${MAX_HARNESS_NAME} characters; shorten harnessName or the id`,
      );
  }
  // The bot refuses this at start (src/config.ts); the deploy says so at synth, before anything is created.
  const gate = approvalGate ? approvalGateToolProblem(harnessTools, harnesses, true) : undefined;
  if (gate)
    problems.push(
      `${gate.harness ? `harnesses (harness "${gate.harness}")` : 'harnessTools'}: ${gate.why}, but it is the harness that answers /fis and fisApprovers is set. Each approval-gated /fis turn sends the bot's approval function with the harness's tools, and the bot holds no secrets, so it cannot repeat that tool. Put the tool on a harness that does not answer /fis.`,
    );
  return {
    values: { harnessTools, harnesses, skillsSource: source === 's3' ? 's3' : 'image' },
    problems,
  };
}
