/** What loading a lab's files rejects, as formatted problems (none when it loads). */
import { formatProblem, LabConfigError } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';

export function rejectionsOf(root: string): string[] {
  try {
    loadLabModel({ root });
  } catch (err) {
    if (err instanceof LabConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}
