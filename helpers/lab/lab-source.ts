/**
 * Which files a test run's suites read the lab from. A fresh lab: what the run was asked for
 * (the `-C` folder, and `anycast-verify test`'s --topology and --fixtures, passed in the
 * environment). A lab reused from `anycast-verify up` (ANYCAST_VERIFY_REUSE=1): the files and
 * hash-policy override `up` built it from, as its run state records them. The global setup
 * resolves this once and hands it to every worker (suites/lab.ts), so no suite reloads the
 * project root's default files for a lab built from others.
 */
import { loadModelFrom, sameSource, type LabModel, type LoadOptions, type ModelSource } from '../model/lab-model.js';
import { readState } from '../os/run-state.js';

/** The environment `anycast-verify test` (helpers/cli/commands/test.ts) passes the lab's files in. */
export const SUITES_ENV = {
  dir: 'ANYCAST_VERIFY_DIR',
  topology: 'ANYCAST_VERIFY_TOPOLOGY',
  fixtures: 'ANYCAST_VERIFY_FIXTURES',
} as const;

/** The files the run was asked for: relative paths are to the folder, as on the command line. */
export function requestedFiles(defaultRoot: string, env: NodeJS.ProcessEnv = process.env): LoadOptions {
  return {
    root: env[SUITES_ENV.dir] || defaultRoot,
    topologyFile: env[SUITES_ENV.topology] || undefined,
    fixturesDir: env[SUITES_ENV.fixtures] || undefined,
  };
}

const describeSource = (s: ModelSource) =>
  `topology ${s.topologyFile}, fixtures ${s.fixturesDir}${s.hashing ? ', with its --hash-policy' : ''}`;

/**
 * The lab the run uses, given the model loaded from what was requested: that model for a
 * fresh lab; for a reused one, the model its run state records, when that differs (the note
 * says so). A reused lab with no record keeps the requested files (the note says that too);
 * one not up at all is for `attach` to refuse.
 */
export function runLab(requested: LabModel, reuse: boolean): { model: LabModel; note?: string } {
  if (!reuse) return { model: requested };
  const state = readState(requested.name);
  if (!state) return { model: requested };
  if (!state.model)
    return {
      model: requested,
      note: `lab "${requested.name}" has no record of the files it was built from (an older anycast-verify started it); the suites read ${describeSource(requested.source)}`,
    };
  if (sameSource(state.model, requested.source)) return { model: requested };
  return {
    model: loadModelFrom(state.model),
    note: `lab "${requested.name}" is reused as \`up\` built it: ${describeSource(state.model)}`,
  };
}
