/**
 * The order test files start in. Vitest reads one sequencer for the whole run, from the root
 * config (`ctx.config.sequence.sequencer`, vitest 4.1 dist/chunks/cli-api.*.js createPool): a
 * `sequence.sequencer` inside a project is ignored, so this one sorts every project's files and
 * orders only the lab project's. Until 2026-12-05 it sat in the lab project and never ran: the
 * lab suites started in vitest's default order (longest cached duration first: the failover
 * suite before the smoke test) and, side by side, the scenario suites did not start first.
 *
 * The lab suites, one at a time (no scenario labs): file-name order, the quick read-only checks
 * first, the disruptive failover, breakage and held-connections suites last. Side by side
 * (scenario labs): the reverse, so the scenario suites start first and queue their leases before
 * the first copy is up (they hold the run's critical path), and the read-only suites fill the
 * remaining worker. Every other project keeps vitest's order (failed and slow files first).
 * Projects still run in their `groupOrder`: vitest groups the sorted files, keeping this order
 * within each group.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { decideScenarioLabs } from '../../helpers/lab/scenario-labs.js';
import { providerName } from '../../helpers/lab/select-provider.js';

/** The project whose files this sequencer orders. */
export const ORDERED_PROJECT = 'lab';

/** The lab suite files in the order they start: by name, reversed when scenario labs run them side by side. */
export function labFileOrder<T extends { moduleId: string }>(files: T[], sideBySide: boolean): T[] {
  const byName = [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  return sideBySide ? byName.reverse() : byName;
}

export default class FileOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const isLab = (f: TestSpecification) => f.project.name === ORDERED_PROJECT;
    const others = await super.sort(files.filter((f) => !isLab(f)));
    const lab = files.filter(isLab);
    if (!lab.length) return others;
    return [...others, ...labFileOrder(lab, decideScenarioLabs(providerName()).copies > 0)];
  }
}
