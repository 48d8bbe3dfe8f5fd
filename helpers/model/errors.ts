/**
 * Errors about the lab's input files. Every problem names the file, the field (a dotted
 * path, or a config line for FRR) and, where the parser knows it, the line, so a user can
 * go straight to the typo. Problems are collected, not thrown one at a time, so `check`
 * reports everything wrong in one pass.
 */
import { readFileSync } from 'node:fs';

export interface Problem {
  file: string;
  /** Dotted path in a YAML document (`spec.timers.holdTimeSeconds`) or a config statement. */
  field: string;
  message: string;
  line?: number;
}

export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.field}: ${p.message}`;
}

/**
 * Thrown when the input files are not a lab we can build; carries every problem found, and
 * what could not be checked at all (so a short list is not read as "everything else is fine").
 */
export class LabConfigError extends Error {
  constructor(
    readonly problems: Problem[],
    readonly notChecked: string[] = [],
  ) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the lab files:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n') +
        notChecked.map((n) => `\n  not checked: ${n}`).join(''),
    );
    this.name = 'LabConfigError';
  }
}

/** Reads a text file; an unreadable file becomes a problem naming it (and undefined). */
export function readTextFile(file: string, shownAs: string, problems: ProblemList): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    problems.add({ file: shownAs, field: '(file)', message: `cannot read: ${(err as Error).message}` });
    return undefined;
  }
}

/** Collects problems while a loader walks the files; `throwIfAny` ends the walk. */
export class ProblemList {
  readonly items: Problem[] = [];
  /** Adds a problem once: a file shared by several clusters is checked once per cluster. */
  add(p: Problem): void {
    if (
      this.items.some((q) => q.file === p.file && q.line === p.line && q.field === p.field && q.message === p.message)
    )
      return;
    this.items.push(p);
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new LabConfigError(this.items);
  }
}
