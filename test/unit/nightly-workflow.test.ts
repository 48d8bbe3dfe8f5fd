/**
 * The nightly real-lab workflow: it collects the lab's state before the teardown, installs the
 * pinned tools and prints every tool's version before the tests (every job does), and reads the
 * names of the clusters from the lab instead of naming them itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { WORKFLOWS_DIR as dir, workflowFiles as files, stepIndex, workflow } from '../support/workflows.js';

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
