/**
 * Runs the lab suites in file-name order (0-smoke, 1-bgp-sessions, ... 6-held-connections): the
 * quick read-only checks first, the disruptive failover, breakage and held-connections suites last.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class FileOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
