/** `anycast-verify check [--json]`: the lab's files validated, each and against each other, starting nothing. */
import type { Command } from 'commander';
import { checkWithTools } from '../../runtimes/tool-checks.js';
import { intentProblems } from '../../model/intent-problems.js';
import { formatProblem, LabConfigError, type Problem } from '../../model/errors.js';
import { modelWarnings } from '../../model/warnings.js';
import { policyNotes } from '../../model/policy-notes.js';
import { EXIT } from '../exit-codes.js';
import { loadModel, type GlobalOpts } from '../global-options.js';

const NO_INTENT =
  "no intent.yaml declares what must hold (`anycast-verify intent --init` writes one from today's files)";

/** What `check --json` prints: every problem and warning with its file, field and line (when known). */
export interface CheckReport {
  ok: boolean;
  /** The lab's name, once its files loaded. */
  lab?: string;
  problems: Problem[];
  warnings: Problem[];
  /**
   * Said, not wrong: statements accepted but not derived ("not derived: judged by intent.yaml
   * and the live lab"), what BFD towards a Cilium node means, where policy shaped a derived route.
   */
  notes: Problem[];
  notChecked: string[];
}

export function addCheckCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('check')
    .description(
      'validate the topology, every FRR config and every fixture, and their consistency, without starting anything',
    )
    .option('--json', 'machine-readable output on stdout: problems, warnings and what was not checked (same exit code)')
    .action(async (o: { json?: boolean }) => {
      const json = (r: CheckReport) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      let model;
      let notChecked: string[];
      try {
        model = loadModel(globals());
        notChecked = await checkWithTools(model);
        // The files are a lab we can build; now whether it is the lab the intent declares.
        const diverging = intentProblems(model);
        if (diverging.length) throw new LabConfigError(diverging, notChecked);
      } catch (err) {
        if (!o.json || !(err instanceof LabConfigError)) throw err;
        json({
          ok: false,
          lab: model?.name,
          problems: err.problems,
          warnings: [],
          notes: [],
          notChecked: err.notChecked,
        });
        process.exitCode = EXIT.invalidLab;
        return;
      }
      const warnings = modelWarnings(model);
      const notes = policyNotes(model);
      if (!model.intent) notChecked.push(NO_INTENT);
      if (o.json) return void json({ ok: true, lab: model.name, problems: [], warnings, notes, notChecked });
      for (const n of notChecked) process.stderr.write(`anycast-verify: not checked: ${n}\n`);
      for (const w of warnings) process.stderr.write(`anycast-verify: warning: ${formatProblem(w)}\n`);
      for (const n of notes) process.stderr.write(`anycast-verify: note: ${formatProblem(n)}\n`);
      process.stdout.write(
        `ok: ${model.topology.file}, ${Object.keys(model.routers).length} FRR configs and the fixtures of ${Object.keys(model.clusters).length} clusters are consistent${model.intent ? `, and keep ${model.intent.doc.file}` : ''}\n`,
      );
    });
}
