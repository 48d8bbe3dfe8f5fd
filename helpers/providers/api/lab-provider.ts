/**
 * Starting and removing a lab. A provider's `up` returns once the lab's processes answer; it
 * never decides "converged", and never claims the lab name or watches its owner: bring-up does
 * both, the same way for every provider (helpers/lab/bring-up.ts).
 */
import type { LabModel } from '../../model/lab-model.js';
import type { Progress } from '../../os/progress.js';
import type { LabHandle, ProviderName } from './lab-handle.js';

export interface UpOptions {
  progress: Progress;
  /** `up` from the CLI leaves the lab running; a test run's lab is removed if its owner dies. */
  persistent: boolean;
  /** Aborts the bring-up (Ctrl-C): `up` then removes what it made and rejects. */
  signal?: AbortSignal;
  /** netns: the runtime (Debian suite) to run FRR and GoBGP from; default: the one closest to versions.env. */
  runtime?: string;
  /** netns: `node=runtime,…`, the routers and nodes that run from another runtime (mixed versions). */
  runtimeOf?: string;
}

export interface DownOptions {
  progress: Progress;
}

export interface LabProvider {
  readonly name: ProviderName;
  /** The lab this provider starts and removes. */
  readonly model: LabModel;
  /** Checks the host can run this lab; throws a PreflightError listing what is missing and how to get it. */
  preflight(opts?: { runtime?: string; runtimeOf?: string }): Promise<void>;
  up(opts: UpOptions): Promise<LabHandle>;
  /** Idempotent: removes everything the lab made, running or half-made. */
  down(opts: DownOptions): Promise<void>;
  /** A handle on the lab that is already up (e.g. from a test worker). */
  attach(): Promise<LabHandle>;
}

export class PreflightError extends Error {
  constructor(readonly missing: string[]) {
    super(`this host cannot run the lab:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
    this.name = 'PreflightError';
  }
}

/** Thrown by `attach` when the lab is not up (the CLI exits 3: not ready, see helpers/cli/exit-codes.ts). */
export class LabNotUpError extends Error {
  override name = 'LabNotUpError';
}

/** Thrown by `up` when a lab of that name is up already (the CLI exits 3, as for a lab not up). */
export class LabBusyError extends Error {
  override name = 'LabBusyError';
}
