/**
 * Reads the skills under skills/ for the checks: folders, SKILL.md frontmatter and body, every text file,
 * markdown links and code. No AWS or network access.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SKILLS_DIR = join(REPO_ROOT, 'skills');
/** The catalogue of FIS actions, resource types and the stop-condition source the skills may name. */
export const FIS_CATALOGUE = join(SKILLS_DIR, 'aws-service-chaos-research', 'references', 'fis-actions.md');

export interface SkillFile {
  /** Path relative to the skill folder, with forward slashes. */
  rel: string;
  text: string;
}

export interface Skill {
  name: string;
  dir: string;
  /** Raw frontmatter YAML between the --- fences, or undefined when missing. */
  frontmatter: string | undefined;
  body: string;
  skillMd: string;
  files: SkillFile[];
}

export function skillFolders(): string[] {
  return readdirSync(SKILLS_DIR)
    .filter((entry) => statSync(join(SKILLS_DIR, entry)).isDirectory())
    .sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

export function splitFrontmatter(text: string): { frontmatter: string | undefined; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { frontmatter: undefined, body: text };
  return { frontmatter: match[1], body: text.slice(match[0].length) };
}

export function loadSkill(name: string): Skill {
  const dir = join(SKILLS_DIR, name);
  const skillMdPath = join(dir, 'SKILL.md');
  const skillMd = existsSync(skillMdPath) ? readFileSync(skillMdPath, 'utf8') : '';
  const { frontmatter, body } = splitFrontmatter(skillMd);
  const files = walk(dir).map((full) => ({
    rel: relative(dir, full).split(sep).join('/'),
    text: readFileSync(full, 'utf8'),
  }));
  return { name, dir, frontmatter, body, skillMd, files };
}

export function loadAllSkills(): Skill[] {
  return skillFolders().map(loadSkill);
}

/** Local link targets of markdown links `[text](target)`, without `#fragment`; external links are skipped. */
export function localLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  const targets: string[] = [];
  for (const m of withoutCode.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = (m[1] ?? '').split('#')[0] ?? '';
    if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    targets.push(target);
  }
  return targets;
}

/**
 * The parts of a file that are commands: for markdown, fenced code blocks and inline code spans; for
 * scripts, the whole file. Shell line continuations are joined so that one command is one string.
 */
export function codeOf(file: SkillFile): string[] {
  const parts: string[] = [];
  if (file.rel.endsWith('.md')) {
    for (const m of file.text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)) parts.push(m[1] ?? '');
    const prose = file.text.replace(/```[\s\S]*?```/g, '');
    for (const m of prose.matchAll(/`([^`\n]+)`/g)) parts.push(m[1] ?? '');
  } else {
    parts.push(file.text);
  }
  return parts.map((p) => p.replace(/\\\r?\n\s*/g, ' '));
}
