/**
 * The breakage suite's "changed VIP pool" claim, proven the way the provider allows:
 * - a provider that can run a second lab beside the first (netns: every name derives from the
 *   lab name) builds one from a changed copy under another name, checks it, and removes it;
 * - one that cannot (containerlab: minikube profiles, docker networks and bridges are named
 *   after the topology's nodes, so a copy would collide with the running lab, and its cleanup
 *   would delete the running lab's clusters) applies the changed CiliumLoadBalancerIPPool to
 *   the running clusters, checks, and applies the lab's own pool again. It creates nothing
 *   and removes nothing: the only calls are server-side applies of the lab's own pool object.
 * The caller is told which method ran (the suite's title and a metric say it).
 */
import type { LabModel } from '../../helpers/model/lab-model.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle, ProviderName } from '../../helpers/providers/api/lab-handle.js';
import type { LabProvider, UpOptions } from '../../helpers/providers/api/lab-provider.js';
import { silentProgress } from '../../helpers/os/progress.js';

export type PoolChangeMethod = 'second lab from a changed copy' | "the running lab's pool reconfigured, then restored";

export const POOL_KINDS = ['CiliumLoadBalancerIPPool'];

export function poolChangeMethod(lab: Pick<LabHandle, 'canRunSecondLab'>): PoolChangeMethod {
  return lab.canRunSecondLab ? 'second lab from a changed copy' : "the running lab's pool reconfigured, then restored";
}

/** A changed copy of the lab's files (test/support/lab-copy.ts). */
export interface ChangedCopy {
  root: string;
  edit(file: string, from: string | RegExp, to: string): void;
}

export interface PoolChangeDeps {
  createProvider(name: ProviderName, model: LabModel): Promise<LabProvider>;
  bringUp(provider: LabProvider, opts: UpOptions, mode: 'require'): Promise<{ lab: LabHandle }>;
  /** Waits until `view` (the running lab, expected as the changed model says) has converged. */
  converged(view: LabHandle): Promise<void>;
}

/**
 * Runs `check` against a lab whose pool is the copy's (the copy's pool already edited), then
 * puts everything back; resolves with the method used.
 */
export async function withChangedPool(
  lab: LabHandle,
  copy: ChangedCopy,
  check: (view: LabHandle, changed: LabModel) => Promise<void>,
  deps: PoolChangeDeps,
): Promise<PoolChangeMethod> {
  const method = poolChangeMethod(lab);
  if (lab.canRunSecondLab) {
    copy.edit('containerlab/anycast.clab.yml', /^name: (\S+)$/m, 'name: $1-pool');
    const changed = loadLabModel({ root: copy.root });
    const provider = await deps.createProvider(lab.provider, changed);
    try {
      const { lab: other } = await deps.bringUp(provider, { progress: silentProgress, persistent: false }, 'require');
      await check(other, changed);
    } finally {
      await provider.down({ progress: silentProgress });
    }
    return method;
  }
  if (!lab.reconfigure)
    throw new Error(`the ${lab.provider} provider can neither run a second lab nor reconfigure the running one`);
  const changed = loadLabModel({ root: copy.root });
  const { lab: view, restore } = await lab.reconfigure(changed, POOL_KINDS);
  try {
    await deps.converged(view);
    await check(view, changed);
  } finally {
    await restore();
  }
  return method;
}
