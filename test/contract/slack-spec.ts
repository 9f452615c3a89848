/**
 * What Slack publishes about the Web API methods the bot calls, read from material nobody here
 * wrote: the OpenAPI description (a trimmed copy in test/fixtures/slack-web-api), the argument types
 * of Slack's own @slack/web-api package for methods newer than that description, Slack's recorded
 * response samples (Java SDK json-logs) and Slack's published rate tiers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const FIXTURES = join(import.meta.dirname, '../fixtures/slack-web-api');

export interface MethodArgs {
  /** Every argument the method documents. */
  known: Set<string>;
  /** Arguments the method requires (the token travels as a header). */
  required: Set<string>;
  source: string;
}

/** Methods newer than the OpenAPI description: their arguments come from @slack/web-api's types. */
const FROM_SDK_TYPES: Record<string, string> = {
  'chat.startStream': 'ChatStartStreamArguments',
  'chat.appendStream': 'ChatAppendStreamArguments',
  'chat.stopStream': 'ChatStopStreamArguments',
  'files.getUploadURLExternal': 'FilesGetUploadURLExternalArguments',
  'files.completeUploadExternal': 'FilesCompleteUploadExternalArguments',
  'apps.connections.open': 'AppsConnectionsOpenArguments',
  'agents.sessions.setStatus': 'AgentsSessionsSetStatusArguments',
  'agents.sessions.rename': 'AgentsSessionsRenameArguments',
  'assistant.threads.setSuggestedPrompts': 'AssistantThreadsSetSuggestedPromptsArguments',
  'views.publish': 'ViewsPublishArguments',
};

export function documentedArgs(): Map<string, MethodArgs> {
  const out = new Map<string, MethodArgs>();
  const spec = JSON.parse(readFileSync(join(FIXTURES, 'openapi-v2-subset.json'), 'utf8')) as {
    paths: Record<
      string,
      Record<string, { parameters: Array<{ name: string; in: string; required?: boolean }> }>
    >;
  };
  for (const [path, ops] of Object.entries(spec.paths)) {
    const op = Object.values(ops)[0]!;
    const params = op.parameters.filter((p) => p.name !== 'token');
    out.set(path.slice(1), {
      known: new Set(params.map((p) => p.name)),
      required: new Set(params.filter((p) => p.required).map((p) => p.name)),
      source: 'openapi',
    });
  }
  for (const [method, args] of sdkArgs()) out.set(method, args);
  for (const [method, names] of newerArgs()) for (const n of names) out.get(method)?.known.add(n);
  return out;
}

/**
 * Arguments Slack added to described methods after the kept description was published (message
 * metadata, 2022): read from @slack/web-api's argument types, and only these names.
 */
const NEWER_ARGS: Record<string, { type: string; args: string[] }> = {
  'chat.postMessage': { type: 'ChatPostMessageArguments', args: ['metadata'] },
  'conversations.replies': { type: 'ConversationsRepliesArguments', args: ['include_all_metadata'] },
  'conversations.history': { type: 'ConversationsHistoryArguments', args: ['include_all_metadata'] },
};

function newerArgs(): Map<string, string[]> {
  const types = sdkTypes(Object.values(NEWER_ARGS).map((a) => a.type));
  const out = new Map<string, string[]>();
  for (const [method, { type, args }] of Object.entries(NEWER_ARGS)) {
    const known = types.get(type)!.known;
    for (const a of args) if (!known.has(a)) throw new Error(`@slack/web-api's ${type} has no ${a}`);
    out.set(method, args);
  }
  return out;
}

/** Reads the argument interfaces from @slack/web-api's published type declarations. */
function sdkArgs(): Map<string, MethodArgs> {
  const types = sdkTypes(Object.values(FROM_SDK_TYPES));
  return new Map(Object.entries(FROM_SDK_TYPES).map(([method, typeName]) => [method, types.get(typeName)!]));
}

/** The arguments each named type of @slack/web-api's request types declares. */
function sdkTypes(typeNames: string[]): Map<string, MethodArgs> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@slack/web-api/package.json'));
  const entry = join(root, 'dist/types/request/index.d.ts');
  const program = ts.createProgram([entry], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry)!;
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!);
  const out = new Map<string, MethodArgs>();
  for (const typeName of typeNames) {
    const sym = exports.find((s) => s.name === typeName);
    if (!sym) throw new Error(`@slack/web-api has no ${typeName}`);
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const type = checker.getDeclaredTypeOfSymbol(target);
    const known = new Set<string>();
    const required = new Set<string>();
    // A union (e.g. channel-or-not variants) documents every member's arguments.
    for (const t of type.isUnion() ? type.types : [type]) {
      for (const p of checker.getPropertiesOfType(t)) {
        if (p.name === 'token') continue;
        known.add(p.name);
        if (!(p.flags & ts.SymbolFlags.Optional) && !type.isUnion()) required.add(p.name);
      }
    }
    out.set(typeName, { known, required, source: '@slack/web-api types' });
  }
  return out;
}

/** Slack's recorded response for a method (Java SDK json-logs samples, trimmed). */
export function responseSample(method: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'responses', `${method}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Slack's published rate tier per method (Java SDK metadata/web-api/rate_limit_tiers.json, trimmed). */
export function publishedTiers(): Record<string, string> {
  return JSON.parse(readFileSync(join(FIXTURES, 'rate_limit_tiers.json'), 'utf8')) as Record<string, string>;
}

/**
 * Problems with `actual` against Slack's sample: every key must be one Slack returns, with the same
 * JSON type. Samples keep one element per array and empty containers where they were trimmed.
 */
export function shapeProblems(actual: unknown, sample: unknown, path = ''): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (sample === undefined) return [`${path || '/'}: not in Slack's response`];
  if (kind(actual) !== kind(sample))
    return [`${path || '/'}: ${kind(actual)} where Slack has ${kind(sample)}`];
  if (Array.isArray(actual)) {
    const s = (sample as unknown[])[0];
    if (s === undefined) return [];
    return actual.flatMap((a, i) => shapeProblems(a, s, `${path}/${i}`));
  }
  if (kind(actual) === 'object') {
    const so = sample as Record<string, unknown>;
    if (Object.keys(so).length === 0) return [];
    return Object.entries(actual as Record<string, unknown>).flatMap(([k, v]) =>
      v === undefined ? [] : shapeProblems(v, so[k], `${path}/${k}`),
    );
  }
  return [];
}
