/**
 * Taking the lab's name, the same way on every provider: a lab that is up (its owner alive,
 * or left up on purpose by `anycast-verify up`) is refused with its owner; one left behind by
 * a run that died is removed first. Then the record names this process as the owner, and the
 * reaper watches it, so a lab whose owner dies mid-way (SIGKILL) is removed.
 */
import { LabBusyError, type LabProvider, type UpOptions } from '../providers/api/lab-provider.js';
import { isSameProcessAlive, processStartTime, readState, writeState, type LabState } from '../os/run-state.js';
import { startReaper } from './reaper.js';

export async function claimLab(provider: LabProvider, opts: Pick<UpOptions, 'progress' | 'persistent'>): Promise<void> {
  const model = provider.model;
  const lab = model.name;
  const prev = readState(lab);
  if (prev) {
    const ownerAlive = isSameProcessAlive(prev.owner);
    if (ownerAlive || (prev.owner.persistent && prev.ready)) {
      const down =
        provider.name === 'netns' ? 'npx anycast-verify down' : `npx anycast-verify --provider ${provider.name} down`;
      throw new LabBusyError(
        `lab "${lab}" is already up (started by pid ${prev.owner.pid}: ${prev.owner.command}${ownerAlive ? ', still running' : ''}); run \`${down}\` first`,
      );
    }
    opts.progress.info(
      `removing lab "${lab}" left behind by pid ${prev.owner.pid} (${prev.owner.command}), which is gone`,
    );
    await provider.down({ progress: opts.progress });
  }
  const state = claimRecord(provider, opts.persistent);
  writeState(state);
  startReaper(model, provider.name, state.owner);
}

/** The record a claim starts: this process the owner, nothing made yet, and the files the lab is built from. */
export function claimRecord(provider: Pick<LabProvider, 'name' | 'model'>, persistent: boolean): LabState {
  return {
    lab: provider.model.name,
    provider: provider.name,
    owner: {
      pid: process.pid,
      startTime: processStartTime(process.pid) ?? '?',
      persistent,
      command: process.argv.slice(1).join(' '),
    },
    createdAt: new Date().toISOString(),
    namespaces: [],
    processes: [],
    paths: [],
    ready: false,
    // A test run that reuses this lab loads its model from here (helpers/lab/lab-source.ts).
    model: provider.model.source,
  };
}
