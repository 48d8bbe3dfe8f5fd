/**
 * The runtime a netns lab runs from: chosen from the pins in versions.env (FRR_VERSION,
 * CILIUM_VERSION, each overridable by environment like the nightly), or named with
 * `--runtime` / ANYCAST_VERIFY_RUNTIME, and required to be built.
 */
import { loadVersions } from '../model/version-pins.js';
import type { LabRuntime } from '../os/run-state.js';
import { chooseRuntime, type RuntimeChoice } from './catalog.js';
import { frrNoteText, requireRuntime } from './store.js';

export function runtimeChoice(projectRoot: string, override?: string): RuntimeChoice {
  const pins = loadVersions(projectRoot);
  return chooseRuntime(
    { frr: pins.FRR_VERSION, cilium: pins.CILIUM_VERSION },
    override ?? (process.env.ANYCAST_VERIFY_RUNTIME || undefined),
  );
}

export function resolveLabRuntime(projectRoot: string, override?: string): LabRuntime {
  const choice = runtimeChoice(projectRoot, override);
  const built = requireRuntime(choice.suite);
  return {
    suite: choice.suite,
    root: built.root,
    frr: built.manifest.frr,
    gobgp: built.manifest.gobgp,
    ...(built.manifest.frrPinned ? { frrNote: frrNoteText(built.manifest).trim() } : {}),
    requested: choice.requested,
    reason: choice.reason,
  };
}
