/**
 * One statement of an frr.conf and where it stands, shared by the readers of its parts
 * (frr-config.ts: blocks and the BGP instance, frr-neighbors.ts, frr-policy.ts), and the one
 * way a statement outside what anycast-verify derives is said: accepted, with a note.
 */
import type { Problem, ProblemList } from './errors.js';

/** One statement: its line number (from 1), its text trimmed, and its words. */
export interface Statement {
  line: number;
  t: string;
  w: string[];
}

/** Where a reader reports: the file as shown, its problems (invalid input) and its notes (valid, not derived). */
export interface StatementSink {
  file: string;
  problems: ProblemList;
  notes: Problem[];
}

/** What every "not derived" note says: the statement is valid, and the lab judges its effect. */
export const NOT_DERIVED = 'not derived: judged by intent.yaml and the live lab';

/** A valid statement whose effect the derived expectations do not follow: accepted, and said. */
export function notDerived(sink: StatementSink, { t, line }: Statement, why?: string): void {
  if (sink.notes.some((n) => n.line === line && n.field === t)) return;
  sink.notes.push({ file: sink.file, field: t, line, message: why ? `${NOT_DERIVED} (${why})` : NOT_DERIVED });
}

/** An invalid statement: a problem naming file, statement and line. */
export function invalid(sink: StatementSink, { t, line }: Statement, message: string): void {
  sink.problems.add({ file: sink.file, field: t, line, message });
}

/** A whole number in [min, max], or undefined. */
export function intIn(s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}
