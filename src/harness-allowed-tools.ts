/**
 * The tool-name patterns of InvokeHarness `allowedTools`, as the AgentCore harness documentation lists
 * them (the "Connect to tools" page; restated with its sources in
 * test/fixtures/agentcore/harness-allowed-tools.json): `*`; a built-in by name or glob (`shell`, `file_*`);
 * `@builtin` and `@builtin/<name>`; `@<server>` for every tool of one MCP server, `@<server>/<tool>` or a
 * glob after the slash; `@<glob>/<tool>` across servers. Items are at most 64 characters of
 * `(\*|@?[^/]+(/[^/]+)?)`. A pattern the service accepts can still match nothing (a misspelt server or
 * built-in); the registry check below refuses those too, since a command restricted to nothing it names
 * silently loses its tools.
 *
 * Not documented, so assumed: the server of an `agentcore_gateway` or `remote_mcp` tool is the `name` of
 * its entry in the harness's tool list; inline functions are listed by their plain name (the adapter adds
 * the bot's own, src/adapters/harness.ts).
 */

/** The built-in tools every harness session has unless allowedTools leaves them out. */
export const BUILTIN_TOOLS = ['shell', 'file_operations'] as const;

/** The service's constraint on one allowedTools item. */
const ITEM = /^(\*|@?[^/]+(\/[^/]+)?)$/;
const MAX_ITEM = 64;

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/**
 * Why an allowedTools item is not usable, or undefined: refused by the service, or matching none of the
 * given servers (tool names of the harness) and built-ins.
 */
export function allowedToolProblem(item: string, servers: readonly string[]): string | undefined {
  if (item.length < 1 || item.length > MAX_ITEM || !ITEM.test(item))
    return `"${item}" is not an allowedTools pattern (at most ${MAX_ITEM} characters: *, a built-in, @builtin[/name], @server or @server/tool)`;
  if (item === '*') return undefined;
  const [head, tail] = item.split('/') as [string, string | undefined];
  if (!head.startsWith('@')) {
    if (tail !== undefined) return `"${item}": a server's tools are named @server/tool`;
    return BUILTIN_TOOLS.some((b) => glob(head).test(b))
      ? undefined
      : `"${item}" matches no built-in tool (${BUILTIN_TOOLS.join(', ')}); a server's tools are @server or @server/tool`;
  }
  const server = head.slice(1);
  if (server === 'builtin') {
    if (tail === undefined || BUILTIN_TOOLS.some((b) => glob(tail).test(b))) return undefined;
    return `"${item}" matches no built-in tool (${BUILTIN_TOOLS.join(', ')})`;
  }
  if (servers.some((s) => glob(server).test(s))) return undefined;
  return `"${item}" names no tool of the harness (its tools: ${servers.length ? servers.join(', ') : 'none'})`;
}
