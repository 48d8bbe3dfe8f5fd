/**
 * The README is a front door and docs/ holds the rest: the README stays short, every relative
 * link in README.md and docs/*.md reaches a file, every #anchor reaches a heading of its target
 * (GitHub's slugs), and neither mentions the development workplace or issue numbers a reader
 * outside cannot open. No Markdown parser is a dependency, so a small extractor does it: fenced
 * code blocks and inline code are skipped; headings give slugs the way github-slugger makes them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const README_MAX_LINES = 250;

const docFiles = [
  join(PROJECT_ROOT, 'README.md'),
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(PROJECT_ROOT, 'docs', f)),
];
const rel = (f: string) => relative(PROJECT_ROOT, f);

/** The text outside fenced code blocks (``` or ~~~), line numbers kept (fenced lines become empty). */
export function withoutFences(md: string): string[] {
  let fence: string | undefined;
  return md.split('\n').map((line) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1]![0]!.repeat(m[1]!.length);
      else if (m[1]!.startsWith(fence)) fence = undefined;
      return '';
    }
    return fence ? '' : line;
  });
}

const withoutInlineCode = (line: string) => line.replace(/(`+)[\s\S]*?\1/g, '');

/** GitHub's anchor for a heading's text (github-slugger): inline markup dropped, lowercase, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`/g, '') // code spans keep their content
    .replace(/\*/g, ''); // emphasis
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs, a repeated slug numbered -1, -2, … as GitHub does. */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutFences(md)) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubSlug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  line: number;
  target: string;
}

/** Inline links and images, `[text](target)` / `![alt](target "title")`, outside code. */
export function links(md: string): Link[] {
  const out: Link[] = [];
  withoutFences(md).forEach((raw, i) => {
    for (const m of withoutInlineCode(raw).matchAll(/!?\[[^\]]*\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g))
      out.push({ line: i + 1, target: (m[1] ?? m[2])! });
  });
  return out;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** The problems with one file's relative links: a missing file, or an anchor its target does not have. */
function linkProblems(file: string): string[] {
  const problems: string[] = [];
  for (const { line, target } of links(readFileSync(file, 'utf8'))) {
    if (isExternal(target)) continue;
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const dest = path === '' ? file : resolve(dirname(file), decodeURI(path));
    const where = `${rel(file)}:${line}: ${target}`;
    if (!existsSync(dest)) {
      problems.push(`${where}: no such file ${rel(dest)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!dest.endsWith('.md') || statSync(dest).isDirectory()) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    const offered = anchors(readFileSync(dest, 'utf8'));
    if (!offered.has(decodeURIComponent(anchor)))
      problems.push(`${where}: no heading "#${anchor}" in ${rel(dest)} (it has: ${[...offered].join(', ')})`);
  }
  return problems;
}

/** Mentions a reader outside cannot follow: the workplace, stored copies, issue numbers. */
export function unreachableMentions(md: string): string[] {
  const problems: string[] = [];
  md.split('\n').forEach((raw, i) => {
    const line = raw
      .replace(/\]\([^)]*\)/g, ']') // link targets (anchors, paths, URLs)
      .replace(/<?https?:\/\/[^\s)>]+>?/g, ''); // bare URLs
    const say = (what: string) => problems.push(`line ${i + 1}: ${what}: ${raw.trim()}`);
    if (line.includes('../shared')) say('../shared');
    if (/search index|stored cop(y|ies)/i.test(line)) say('the search index / a stored copy');
    if (/(^|[^\w&/])#\d+\b/.test(line)) say('an issue number (#N)');
    if (/\b(issues?|PRs?|pull requests?)\s+#?\d+/i.test(line)) say('an issue number (issue N)');
  });
  return problems;
}

describe('the README is a front door', () => {
  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(docFiles.map((f) => [rel(f), f] as const))(
    '%s: every relative link reaches a file, every anchor a heading',
    (_name, f) => {
      expect(linkProblems(f)).toEqual([]);
    },
  );

  it.each(docFiles.map((f) => [rel(f), f] as const))(
    '%s: no ../shared, no search-index copies, no issue numbers',
    (_name, f) => {
      expect(unreachableMentions(readFileSync(f, 'utf8'))).toEqual([]);
    },
  );
});

describe('the extractor (the checks above can fail)', () => {
  it('makes GitHub slugs: backticks, dots, parentheses, ×, · and emphasis dropped, underscores kept', () => {
    expect(githubSlug('Scale (`npm run bench`)')).toBe('scale-npm-run-bench');
    expect(githubSlug('Declared intent (intent.yaml)')).toBe('declared-intent-intentyaml');
    expect(githubSlug('Generated labs (N clusters × M nodes)')).toBe('generated-labs-n-clusters--m-nodes');
    expect(githubSlug('10.0.1.1 · 10.0.2.1')).toBe('10011--10021');
    expect(githubSlug('**Bold** and `ANYCAST_VERIFY_DIR`')).toBe('bold-and-anycast_verify_dir');
    expect(githubSlug('What `npm test` proves')).toBe('what-npm-test-proves');
    expect(githubSlug('[The real lab](docs/real-lab.md), in full')).toBe('the-real-lab-in-full');
  });

  it('numbers repeated headings and ignores headings in code blocks', () => {
    const md = '# A\n## Same\n```sh\n# not a heading\n```\n## Same\n';
    expect([...anchors(md)]).toEqual(['a', 'same', 'same-1']);
  });

  it('finds links and images outside code, not inside it', () => {
    const md = 'see [x](a.md#b) and ![p](p.png)\n`[no](c.md)`\n```\n[no](d.md)\n```\n[y](<e f.md> "t")';
    expect(links(md).map((l) => l.target)).toEqual(['a.md#b', 'p.png', 'e f.md']);
  });

  it('flags a missing file and a missing anchor', () => {
    const readme = join(PROJECT_ROOT, 'README.md');
    const md = '[a](docs/nope.md) [b](docs/design.md#nope) [c](#nope) [d](docs/design.md#safety)';
    const problems = links(md).flatMap(({ target }) => {
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const dest = path === '' ? readme : resolve(PROJECT_ROOT, path);
      if (!existsSync(dest)) return [`missing ${target}`];
      return anchor && !anchors(readFileSync(dest, 'utf8')).has(anchor) ? [`anchor ${target}`] : [];
    });
    expect(problems).toEqual(['missing docs/nope.md', 'anchor docs/design.md#nope', 'anchor #nope']);
  });

  it('flags issue numbers and workplace paths, not URLs, anchors or HTML entities', () => {
    expect(unreachableMentions('Issue #9 found it')).toHaveLength(2);
    expect(unreachableMentions('as issue 14 says')).toHaveLength(1);
    expect(unreachableMentions('fixed (#21)')).toHaveLength(1);
    expect(unreachableMentions('cilium PR #40566')).toHaveLength(2);
    expect(unreachableMentions('from `../shared/schemas`')).toHaveLength(1);
    expect(unreachableMentions("read in the search index's stored copy")).toHaveLength(1);
    expect(
      unreachableMentions(
        'see [pull 40566](https://github.com/cilium/cilium/pull/40566), [x](a.md#b2), https://x.io/#12, &#39;',
      ),
    ).toEqual([]);
  });
});
