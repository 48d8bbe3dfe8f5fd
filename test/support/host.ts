/**
 * What "the host is clean" means after a lab: no namespace, process, FRR pathspace folder,
 * mount or run folder of that lab is left. Used by the process-level tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { allRuntimes, runtimesDir } from '../../helpers/runtimes/store.js';
import { frrPaths } from '../../helpers/providers/netns/frr-router.js';
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import type { LabModel } from '../../helpers/model/lab-model.js';
import { findLabProcesses } from '../../helpers/providers/netns/processes.js';
import { frrPathspace } from '../../helpers/providers/netns/naming.js';
import { runDir, runRoot } from '../../helpers/os/run-state.js';
import { Deadline, waitUntil } from '../../helpers/os/poll.js';
import { onTestFinished } from 'vitest';
import { loadLabModel, withLabName } from '../../helpers/model/lab-model.js';
import { poolLabName } from '../../helpers/lab/lab-pool.js';
import { NetnsProvider } from '../../helpers/providers/netns/netns-provider.js';
import { silentProgress } from '../../helpers/os/progress.js';
import { labCopy, PROJECT_ROOT } from './lab-copy.js';

export const CLI = join(PROJECT_ROOT, 'bin', 'anycast-verify.mjs');
export const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** Ends a CLI child still running when its test ends (a marker that never came, say). */
export function reapChild(child: { pid?: number; exitCode?: number | null }) {
  onTestFinished(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

/** A copy of the lab under its own name (so it never touches the suites' lab), whose lab goes when the test ends, whatever its outcome. */
export function namedCopy(name: string) {
  const copy = labCopy();
  copy.edit('containerlab/anycast.clab.yml', /^name: \S+$/m, `name: ${name}`);
  const model = loadLabModel({ root: copy.root });
  onTestFinished(async () => {
    await new NetnsProvider(model).down({ progress: silentProgress });
    // Scenario-lab copies a killed run left (their reaper removes them too; this is the backstop).
    for (let i = 0; i < COPIES_LOOKED_FOR; i++) {
      const copyModel = withLabName(model, poolLabName(model.name, i));
      if (existsSync(runDir(copyModel.name))) await new NetnsProvider(copyModel).down({ progress: silentProgress });
    }
  });
  return { copy, model };
}

/** What is left of the lab on the host, its scenario-lab copies included (helpers/lab/lab-pool.ts). */
export async function leftovers(model: LabModel): Promise<string[]> {
  const out: string[] = [];
  const ns = (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`av-${model.name}-`));
  if (ns.length) out.push(`namespaces: ${ns.join(', ')}`);
  for (const lab of [model.name, ...Array.from({ length: COPIES_LOOKED_FOR }, (_, i) => poolLabName(model.name, i))])
    out.push(...leftoversNamed(model, lab));
  // The shared root goes too, unless another lab (the suites' own, say) is using it.
  if (existsSync(runRoot()) && readdirSync(runRoot()).length === 0) out.push(`empty run root ${runRoot()}`);
  return out;
}

/** More scenario-lab copies than any test here asks for. */
const COPIES_LOOKED_FOR = 8;

function leftoversNamed(model: LabModel, lab: string): string[] {
  const out: string[] = [];
  const procs = findLabProcesses(
    lab,
    runDir(lab),
    Object.keys(model.routers).map((r) => frrPathspace(lab, r)),
  );
  if (procs.length) out.push(`processes: ${procs.map((p) => `${p.pid} ${p.what}`).join(', ')}`);
  // FRR pathspace folders live inside the runtimes; lab mounts live only in private mount namespaces.
  for (const rt of allRuntimes()) {
    if (!rt.built) continue;
    for (const r of Object.keys(model.routers)) {
      const p = frrPaths(rt.built.root, lab, r);
      for (const d of [p.runtime, p.etc]) if (existsSync(d)) out.push(`folder ${d}`);
    }
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(runtimesDir()));
  if (mounts.length && lab === model.name) out.push(`mounts: ${mounts.join('; ')}`);
  if (existsSync(runDir(lab))) out.push(`run folder ${runDir(lab)}`);
  return out;
}

/** Waits (budget 15 s: the reaper polls every 250 ms, `down` takes ~2 s) until nothing of the lab is left. */
export async function expectHostClean(model: LabModel): Promise<void> {
  await waitUntil(
    async () => {
      const l = await leftovers(model);
      return l.length ? l.join('; ') : undefined;
    },
    {
      what: `nothing of lab "${model.name}" left on the host`,
      deadline: new Deadline(15_000),
      intervalMs: 100,
      graceMs: 0,
    },
  );
}

/** Starts the CLI in its own process group (like a terminal job), collecting stderr. */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
): ResultPromise<{ reject: false; detached: true; all: true; env: Record<string, string> }> {
  return execa(process.execPath, [CLI, ...args], { reject: false, detached: true, all: true, env });
}

/** Resolves when the child's combined output contains `marker`. */
export function outputContains(
  child: { all?: NodeJS.ReadableStream | null },
  marker: string | RegExp,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`"${String(marker)}" did not appear within ${timeoutMs} ms; output:\n${seen}`)),
      timeoutMs,
    );
    child.all?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (typeof marker === 'string' ? seen.includes(marker) : marker.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
