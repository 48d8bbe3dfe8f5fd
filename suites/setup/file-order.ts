/**
 * The order the lab suite files start in. One at a time (no scenario labs): file-name order,
 * the quick read-only checks first, the disruptive failover, breakage and held-connections
 * suites last. Side by side (scenario labs): the reverse, so the scenario suites start first and
 * queue their leases before the first copy is up (they hold the run's critical path), and the
 * read-only suites fill the remaining worker.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { decideScenarioLabs } from '../../helpers/lab/scenario-labs.js';
import { providerName } from '../../helpers/lab/select-provider.js';

export default class FileOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byName = [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return decideScenarioLabs(providerName()).copies > 0 ? byName.reverse() : byName;
  }
}
