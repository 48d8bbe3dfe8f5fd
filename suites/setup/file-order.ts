/**
 * Runs the lab suites in file-name order (0-smoke, 1-bgp-sessions, ... 5-breakage): the
 * quick read-only checks first, the disruptive failover and breakage suites last.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class FileOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
