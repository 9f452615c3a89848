import { describe, expect, it } from 'vitest';
import { renderOpen, splitMarkdown, takeChunk } from '../../src/core/split.ts';

const fences = (s: string) => (s.match(/^ {0,3}(```|~~~)/gm) ?? []).length;
// Cuts may fall inside a long word, so compare the characters with whitespace and cut fences removed.
const words = (s: string) => s.replace(/^```\w*$/gm, '').replace(/\s+/g, '');

describe('splitMarkdown', () => {
  it('returns short text unchanged', () => {
    expect(splitMarkdown('hello\n\nworld', 100)).toEqual(['hello\n\nworld']);
  });

  it('cuts at a paragraph boundary', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(60)}`;
    expect(splitMarkdown(text, 100)).toEqual(['a'.repeat(60), 'b'.repeat(60)]);
  });

  it('closes and reopens a code block that must be split, keeping its language', () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const parts = splitMarkdown(`Intro\n\n\`\`\`bash\n${code}\n\`\`\`\nOutro`, 120);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(120);
      expect(fences(p) % 2).toBe(0);
    }
    expect(parts.slice(1, -1).every((p) => p.startsWith('```bash'))).toBe(true);
    expect(words(parts.join('\n'))).toBe(words(`Intro\n\n${code}\nOutro`));
  });

  it('never loses a character, for many random documents and budgets', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 200; n++) {
      const pieces: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = rand();
        if (r < 0.2) pieces.push(`\`\`\`\n${'code line\n'.repeat(Math.floor(rand() * 20))}\`\`\``);
        else if (r < 0.3) pieces.push('x'.repeat(Math.floor(rand() * 400)));
        else pieces.push(`word `.repeat(Math.floor(rand() * 60)).trim());
      }
      const text = pieces.join(rand() < 0.5 ? '\n\n' : '\n');
      const budget = 80 + Math.floor(rand() * 300);
      const parts = splitMarkdown(text, budget);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(budget);
        expect(fences(p) % 2).toBe(0);
      }
      expect(words(parts.join('\n'))).toBe(words(text));
    }
  });

  it('takeChunk reports nothing to cut when the text fits', () => {
    expect(takeChunk('short', 10)).toBeUndefined();
  });

  it('renderOpen closes a code block that is still being written', () => {
    expect(renderOpen('Look:\n```bash\nkubectl get nodes')).toBe('Look:\n```bash\nkubectl get nodes\n```');
    expect(renderOpen('done')).toBe('done');
  });
});
