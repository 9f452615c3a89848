/**
 * Rewrites the Markdown constructs Slack's markdown blocks and streamed Markdown do not render
 * (Slack's markdown block reference: no tables, horizontal rules or task lists) into forms that read
 * well in Slack, as the agent's text arrives:
 *
 * - a table becomes a monospace code block with aligned columns (a table wider than a Slack message
 *   becomes one line per row, "column: value", instead);
 * - a horizontal rule becomes a line of box-drawing characters;
 * - a task list item becomes a ballot box (☐ / ☑).
 *
 * Slack's own `table` block is not used: Slack allows one per message and shows it below all other
 * blocks, which would move the agent's tables away from the text that explains them.
 *
 * Table lines are held back until the table ends, so a table is never shown half-converted; every
 * other line passes through at once (a partial last line too, unless it may start a table). Nothing
 * inside a code block is touched.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_LINE = /^\s*\|/;
const DELIMITER = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const RULE = /^ {0,3}([-*_])( *\1){2,} *$/;
const TASK = /^(\s*[-*+]\s+)\[([ xX])\]\s/;
/** Wider than this, a monospace table wraps in Slack and stops reading as a table. */
const MAX_TABLE_WIDTH = 90;

export class SlackMarkdownRewriter {
  /** Complete lines held back (a table in progress), and the current partial line. */
  private held: string[] = [];
  private partial = '';
  private fence: string | undefined;
  /** Whether the last line passed on was blank (a `---` under text is a heading underline, not a rule). */
  private afterBlank = true;

  /** Takes the next piece of the agent's text; returns what can be shown now. */
  push(delta: string): string {
    let out = '';
    let text = this.partial + delta;
    this.partial = '';
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl === -1) break;
      out += this.line(text.slice(0, nl));
      text = text.slice(nl + 1);
    }
    if (text) {
      // A partial line may be shown at once unless it could be (part of) a table or a held block follows.
      if (this.fence === undefined && (this.held.length > 0 || TABLE_LINE.test(text) || /^\s*$/.test(text)))
        this.partial = text;
      else if (this.fence === undefined && (RULE.test(text) || TASK.test(text) || /^[-*_ ]+$/.test(text)))
        this.partial = text;
      else out += text;
    }
    return out;
  }

  /** The end of the answer: whatever was held back, rewritten. */
  end(): string {
    const last = this.partial;
    this.partial = '';
    const out = (last ? this.line(last) : '') + this.flushHeld();
    // A last line without a newline stays without one.
    return last ? out.replace(/\n$/, '') : out;
  }

  private line(line: string): string {
    if (this.fence !== undefined) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === this.fence[0] && m[1]!.length >= this.fence.length && line.trim() === m[1])
        this.fence = undefined;
      this.afterBlank = false;
      return `${line}\n`;
    }
    if (TABLE_LINE.test(line)) {
      this.held.push(line);
      return '';
    }
    const before = this.flushHeld();
    const m = FENCE.exec(line);
    if (m) {
      this.fence = m[1]!;
      return `${before}${line}\n`;
    }
    const blank = this.afterBlank || before !== '';
    this.afterBlank = line.trim() === '';
    if (RULE.test(line) && blank) return `${before}${'─'.repeat(24)}\n`;
    return `${before}${line.replace(TASK, (_all, lead: string, mark: string) => `${lead}${mark === ' ' ? '☐' : '☑'} `)}\n`;
  }

  private flushHeld(): string {
    if (this.held.length === 0) return '';
    const lines = this.held;
    this.held = [];
    if (lines.length < 2 || !DELIMITER.test(lines[1]!)) return lines.map((l) => `${l}\n`).join('');
    return renderTable(lines);
  }
}

/** Rewrites a whole Markdown text at once. */
export function rewriteForSlack(markdown: string): string {
  const r = new SlackMarkdownRewriter();
  return r.push(markdown) + r.end();
}

function cells(line: string): string[] {
  const t = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  // Split on pipes that are not escaped.
  return t.split(/(?<!\\)\|/).map((c) => plain(c.trim().replace(/\\\|/g, '|')));
}

/** Inline Markdown that means nothing in a monospace block. */
function plain(cell: string): string {
  return cell
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/__([^_]+)__/g, '$1')
    .replace(/<br\s*\/?>/gi, ' ');
}

function width(s: string): number {
  return [...s].length;
}

function renderTable(lines: string[]): string {
  const header = cells(lines[0]!);
  const aligns = cells(lines[1]!).map((d) =>
    d.endsWith(':') ? (d.startsWith(':') ? 'center' : 'right') : 'left',
  );
  const rows = lines.slice(2).map(cells);
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const all = [header, ...rows].map((r) => Array.from({ length: columns }, (_, i) => r[i] ?? ''));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(3, ...all.map((r) => width(r[i]!))));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (columns - 1);
  if (total > MAX_TABLE_WIDTH) {
    // Too wide to align: one line per row, each value named by its column.
    return `${all
      .slice(1)
      .map((r) => `- ${r.map((v, i) => (header[i] ? `**${header[i]}:** ${v}` : v)).join(' · ')}`)
      .join('\n')}\n`;
  }
  const pad = (v: string, i: number) => {
    const gap = widths[i]! - width(v);
    if (aligns[i] === 'right') return ' '.repeat(gap) + v;
    if (aligns[i] === 'center') return ' '.repeat(Math.floor(gap / 2)) + v + ' '.repeat(Math.ceil(gap / 2));
    return v + ' '.repeat(gap);
  };
  const row = (r: string[]) => r.map(pad).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return `\`\`\`\n${[row(all[0]!), rule, ...all.slice(1).map(row)].join('\n')}\n\`\`\`\n`;
}
