/**
 * HARNESSES joined with HARNESS_ARNS (part of config.ts's parsing, which stays the only reader of
 * process.env): every harness needs an ARN, every ARN a harness, and a harness answers real commands.
 */
import { HARNESS_ARN } from './config-schema.ts';
import { SLASH_COMMANDS } from './core/commands.ts';
import { INVESTIGATE_COMMAND } from './core/investigation-runs.ts';
import type { HarnessSpec } from './harness-catalog.ts';

/** The commands a HARNESSES entry may answer: every skill command, and /investigate. */
const ROUTABLE_COMMANDS: readonly string[] = [...SLASH_COMMANDS, INVESTIGATE_COMMAND];

/** HARNESSES joined with HARNESS_ARNS: every harness needs an ARN, every ARN a harness, commands must exist. */
export function namedHarnesses(specs: HarnessSpec[], arns: string | undefined, problems: string[]) {
  const byId = new Map(
    (arns ?? '')
      .split(';')
      .map((part) => part.split('=').map((x) => x.trim()))
      .filter((kv) => kv.length === 2 && kv[0])
      .map(([id, arn]) => [id!, arn!] as const),
  );
  const out = [];
  for (const h of specs) {
    const arn = byId.get(h.id);
    const region = arn ? HARNESS_ARN.exec(arn)?.[2] : undefined;
    if (!arn) problems.push(`HARNESS_ARNS has no ARN for harness "${h.id}" (add ${h.id}=arn:…:harness/…)`);
    else if (!region)
      problems.push(
        `HARNESS_ARNS: "${h.id}" must look like arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id> (got "${arn}")`,
      );
    for (const c of h.commands.filter((c) => !ROUTABLE_COMMANDS.includes(c)))
      problems.push(`HARNESSES: harness "${h.id}" names ${c}, which is not a command of this bot`);
    if (arn && region) out.push({ id: h.id, arn, region, commands: h.commands, tools: h.tools });
  }
  for (const id of byId.keys())
    if (!specs.some((h) => h.id === id))
      problems.push(`HARNESS_ARNS names "${id}", which HARNESSES does not define`);
  return out;
}
