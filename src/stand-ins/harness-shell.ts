/**
 * InvokeAgentRuntimeCommand against the emulator: a tiny shell over the session's files (`ls` of a
 * glob, `cat` of a path), answered as the service does: `chunk` events with contentStart,
 * contentDelta (stdout/stderr) and contentStop (exitCode, status).
 */
import type { ServerResponse } from 'node:http';
import type { RuntimeSession } from './harness-sessions.ts';
import { frame, type HttpError } from './harness-wire.ts';

/** One InvokeAgentRuntimeCommand call the emulator answered. */
export interface CommandCall {
  harnessArn: string;
  sessionId: string;
  command: string;
  timeout?: number;
  exitCode: number;
}

/** Checks the request body; the command runs only when this returns no problem. */
export function parseCommand(raw: string): { command: string; timeout?: number } | HttpError {
  let body: { command?: string; timeout?: number };
  try {
    body = JSON.parse(raw) as { command?: string; timeout?: number };
  } catch {
    return { status: 400, errorType: 'ValidationException', message: 'Request body is not valid JSON' };
  }
  const command = body.command ?? '';
  if (command.length < 1 || command.length > 65_536) {
    return {
      status: 400,
      errorType: 'ValidationException',
      message: 'command must have length between 1 and 65536',
    };
  }
  if (body.timeout !== undefined && (body.timeout < 1 || body.timeout > 3600)) {
    return { status: 400, errorType: 'ValidationException', message: 'timeout must be between 1 and 3600' };
  }
  return { command, timeout: body.timeout };
}

/** Runs the command in the session and streams its output. */
export function answerCommand(res: ServerResponse, session: RuntimeSession, command: string): number {
  const out = shell(session.files, command);
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-bedrock-agentcore-runtime-session-id': session.id,
  });
  res.write(frame('event', 'chunk', { contentStart: {} }));
  // Output arrives in pieces, as from a real process.
  for (let i = 0; i < out.stdout.length; i += 4096) {
    res.write(frame('event', 'chunk', { contentDelta: { stdout: out.stdout.slice(i, i + 4096) } }));
  }
  if (out.stderr) res.write(frame('event', 'chunk', { contentDelta: { stderr: out.stderr } }));
  res.write(frame('event', 'chunk', { contentStop: { exitCode: out.exitCode, status: 'COMPLETED' } }));
  res.end();
  return out.exitCode;
}

function shell(
  fs: Map<string, string>,
  command: string,
): { stdout: string; stderr: string; exitCode: number } {
  const ls = /^ls -1d? (?:-- )?'?([^'\s]+)'?(?: 2>\/dev\/null)?$/.exec(command.trim());
  if (ls) {
    const re = new RegExp(`^${ls[1]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    const hits = [...fs.keys()].filter((p) => re.test(p)).sort();
    if (hits.length === 0)
      return {
        stdout: '',
        stderr: `ls: cannot access '${ls[1]}': No such file or directory\n`,
        exitCode: 2,
      };
    return { stdout: hits.map((h) => `${h}\n`).join(''), stderr: '', exitCode: 0 };
  }
  const cat = /^cat (?:-- )?'([^']+)'$/.exec(command.trim());
  if (cat) {
    const content = fs.get(cat[1]!);
    if (content === undefined)
      return { stdout: '', stderr: `cat: ${cat[1]}: No such file or directory\n`, exitCode: 1 };
    return { stdout: content, stderr: '', exitCode: 0 };
  }
  return {
    stdout: '',
    stderr: `sh: ${command.split(' ')[0]}: command not supported by the emulator\n`,
    exitCode: 127,
  };
}
