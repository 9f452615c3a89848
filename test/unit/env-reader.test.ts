/**
 * Config is read in one place: src/config.ts is the only module of the bot that touches process.env
 * (the guide's rule; entry points get the environment from config.ts). Found with the compiler, so a
 * mention in a comment does not count and `process['env']` or a destructured `env` does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** Every place a module reads `process.env` (property access, element access or destructuring). */
export function envReads(source: string, name = 'x.ts'): number[] {
  const sf = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const isProcess = (n: ts.Node) => ts.isIdentifier(n) && n.text === 'process';
  const visit = (n: ts.Node) => {
    const hit =
      (ts.isPropertyAccessExpression(n) && isProcess(n.expression) && n.name.text === 'env') ||
      (ts.isElementAccessExpression(n) &&
        isProcess(n.expression) &&
        ts.isStringLiteralLike(n.argumentExpression) &&
        n.argumentExpression.text === 'env') ||
      (ts.isVariableDeclaration(n) &&
        ts.isObjectBindingPattern(n.name) &&
        n.initializer !== undefined &&
        isProcess(n.initializer) &&
        n.name.elements.some((e) => (e.propertyName ?? e.name).getText(sf) === 'env'));
    if (hit) lines.push(sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return lines;
}

describe('only src/config.ts reads process.env', () => {
  it('finds reads in every form it claims to', () => {
    expect(envReads('const a = process.env.X;')).toEqual([1]);
    expect(envReads("const a = process['env'];")).toEqual([1]);
    expect(envReads('const { env } = process;')).toEqual([1]);
    expect(envReads('// process.env in a comment\nconst p = "process.env";')).toEqual([]);
  });

  it('no other module of the bot reads it', () => {
    const readers = files(SRC)
      .filter((f) => envReads(readFileSync(f, 'utf8'), f).length > 0)
      .map((f) => relative(SRC, f));
    expect(readers).toEqual(['config.ts']);
  });
});
