/**
 * After a turn: a long answer also goes up as a Markdown file, and report files the agent wrote in
 * its session (read with InvokeAgentRuntimeCommand) are attached. Best effort: the answer itself is
 * already in the thread, so a failure here is logged and noted, never fatal.
 * (Split out of turns.ts: attaching files is its own responsibility with its own failure modes.)
 */
import type { Logger } from './logger.ts';
import type { SessionRecord, SessionShell, SlackWriter, ThreadFile } from './ports.ts';
import { SlackWriteError } from './ports.ts';
import type { Presenter } from './reply-view.ts';

/** Report files attached per turn, and the largest one read. */
const MAX_REPORT_FILES = 10;
const MAX_REPORT_BYTES = 1_000_000;

export interface TurnFileDeps {
  writer: SlackWriter;
  presenter: Presenter;
  shell?: SessionShell;
  /** Answers at least this long are also uploaded as a Markdown file (0 or unset: never). */
  longAnswerFileChars?: number;
  /** Shell glob of report files the agent writes in its session. */
  reportFiles?: string;
}

export class TurnFiles {
  /** Report files already attached, per session (path and content), so follow-ups attach only new ones. */
  private readonly attached = new Map<string, Set<string>>();

  constructor(private readonly d: TurnFileDeps) {}

  /** `truncated`: only the answer's beginning was posted, so the file is the only place the rest exists. */
  async attach(session: SessionRecord, answer: string, log: Logger, truncated = false): Promise<void> {
    const upload = this.d.writer.uploadFiles?.bind(this.d.writer);
    if (!upload) return;
    const files: ThreadFile[] = [];
    const longAt = this.d.longAnswerFileChars ?? 0;
    if (truncated || (longAt > 0 && answer.length >= longAt)) {
      files.push({ filename: 'answer.md', title: 'The full answer (Markdown)', content: answer });
    }
    const pattern = this.d.reportFiles;
    if (pattern && this.d.shell) {
      try {
        files.push(...(await this.readReports(session.runtimeSessionId, pattern, log, session.harness)));
      } catch (err) {
        log.warn({ err }, 'could not read the report files the agent wrote');
      }
    }
    if (files.length === 0) return;
    try {
      await upload(
        session.channel,
        session.threadTs,
        files,
        `Attached: ${files.map((f) => f.filename).join(', ')}`,
      );
    } catch (err) {
      log.warn({ err, files: files.map((f) => f.filename) }, 'could not upload files to the thread');
      const code = err instanceof SlackWriteError ? err.code : 'unknown';
      await this.d.writer
        .post(
          session.channel,
          this.d.presenter.note(
            code === 'missing_scope'
              ? 'I could not attach the files for this answer: the app is missing the `files:write` scope. Reinstall it from manifest.yml.'
              : truncated
                ? `I could not attach the complete answer (\`${code}\`), so only its beginning is above. Ask the agent for the rest in parts.`
                : `I could not attach the files for this answer (\`${code}\`). The answer above is complete.`,
          ),
          session.threadTs,
        )
        .catch(() => undefined);
    }
  }

  private async readReports(
    sessionId: string,
    pattern: string,
    log: Logger,
    harness?: string,
  ): Promise<ThreadFile[]> {
    const shell = this.d.shell!;
    const listed = await shell.run(sessionId, `ls -1d -- ${pattern} 2>/dev/null`, undefined, harness);
    if (listed.exitCode !== 0) return [];
    const seen = this.attached.get(sessionId) ?? new Set<string>();
    this.attached.set(sessionId, seen);
    const out: ThreadFile[] = [];
    const paths = listed.stdout
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p.startsWith('/') && !p.includes("'"));
    for (const path of paths.slice(0, MAX_REPORT_FILES)) {
      const r = await shell.run(sessionId, `cat -- '${path}'`, undefined, harness);
      if (r.exitCode !== 0) {
        log.warn(
          { path, exitCode: r.exitCode, stderr: r.stderr.slice(0, 200) },
          'could not read a report file',
        );
        continue;
      }
      const key = `${path}\u0000${r.stdout.length}\u0000${hash(r.stdout)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = path.split('/').pop() ?? 'report.md';
      out.push({ filename: name, title: name, content: r.stdout.slice(0, MAX_REPORT_BYTES) });
    }
    return out;
  }
}

/** FNV-1a: a cheap content key for "already attached" (not a security hash). */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
