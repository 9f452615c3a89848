/**
 * Building blocks of the sandbox's scripted agent runs: tool calls with the pauses a real run has,
 * and the report text streamed in chunks. Everything the demo runs show is invented sample data.
 */
import type { Reply } from '../stand-ins/harness-emulator.ts';
import { answer, toolCall } from '../stand-ins/scenarios.ts';

/** Pauses as a real run has them; the emulator's timeScale shrinks them in tests. */
export const TOOL_MS = 1400;
const TEXT_MS = 45;
const CHUNK = 48;

export type Tool = ReturnType<typeof toolCall>;

export const sh = (command: string, output: string, status?: 'success' | 'error'): Tool =>
  toolCall('shell', { command }, output, { delayMs: TOOL_MS, ...(status ? { status } : {}) });

export const docs = (phrase: string, url: string): Tool =>
  toolCall(
    'aws___search_documentation',
    { search_phrase: phrase },
    JSON.stringify([{ url, title: phrase }]),
    {
      serverName: 'aws-knowledge-mcp',
      delayMs: TOOL_MS,
    },
  );

/** A report streamed as the agent writes it; long reports go out in bigger chunks (same pace per second). */
export const report = (text: string, tools: Tool[] = []): Reply => {
  const chunk = text.length > 4000 ? CHUNK * 4 : CHUNK;
  return answer(text, { tools, chunk, delayMs: TEXT_MS });
};

/** What a session is about, remembered from its first run so follow-ups stay on topic. */
export interface Topic {
  skill: string;
  /** The cluster, service or resource, log source, or template the run was about. */
  target: string;
  /** The AWS service (best-practice and chaos research). */
  service?: string;
  region: string;
}

/** Regions as AWS spells them (us-east-1, eu-central-1, us-gov-west-1). */
export const REGION = /\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b/;
