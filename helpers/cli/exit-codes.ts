/**
 * The exit codes of every command, in one place, so a script can tell the outcomes apart:
 *
 *   0   ok: the files are consistent, the claims hold, no regression
 *   1   a claim failed: a lab test failed, `compare` found a regression, the lab did not converge
 *   2   the lab files are invalid (a LabConfigError: every problem with its file, field and line)
 *   3   the host or the lab is not ready for the command: a tool or kernel feature is missing
 *       (PreflightError), no runtime is built or buildable for the pins, the lab is not up
 *       (`status`, `exec` before `up`) or is up already (a second `up`)
 *   64  a usage error: unknown command or option, missing argument, a bad option value
 *   70  an internal error: anything unexpected (a crash, a command of ours that failed)
 *   130 / 143 interrupted by SIGINT / SIGTERM, after the cleanup (helpers/os/interrupts.ts)
 *
 * `exec` is the exception: once the command ran, its own exit code is passed through.
 *
 * Why "not ready" keeps a code of its own (3) rather than folding into 1 or 70: its fix is on
 * the host (install a tool, build a runtime, `up` the lab), not in the lab files (2) or on the
 * command line (64), and nothing about the lab was claimed or found wrong (1). CI treats it
 * differently too: a runner that cannot host the lab is a provisioning problem to skip or
 * repair, while 1 must block the merge. 64 and 70 follow sysexits.h (EX_USAGE, EX_SOFTWARE).
 */
import { CommanderError, InvalidArgumentError } from 'commander';
import { LabConfigError } from '../model/errors.js';
import { LabBusyError, LabNotUpError, PreflightError } from '../providers/api/lab-provider.js';
import { RuntimeMissingError } from '../runtimes/store.js';
import { RuntimeChoiceError } from '../runtimes/catalog.js';
import { RuntimeBuildError } from '../runtimes/build.js';
import { NotConvergedError } from '../lab/bring-up.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  invalidLab: 2,
  notReady: 3,
  usage: 64,
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command given the wrong arguments (not caught by commander itself): exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const NOT_READY = [
  PreflightError,
  RuntimeMissingError,
  RuntimeChoiceError,
  RuntimeBuildError,
  LabNotUpError,
  LabBusyError,
];

/** How an error thrown out of a command ends the process: its exit code, and what to print (nothing if commander printed it). */
export function exitFor(err: unknown): { code: number; message?: string } {
  // An argument parser's error thrown from an action (commander did not see it, so did not print it).
  if (err instanceof InvalidArgumentError) return { code: EXIT.usage, message: err.message };
  // Commander's own: --help and --version (0), or a usage error it has already printed.
  if (err instanceof CommanderError) return { code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UsageError) return { code: EXIT.usage, message };
  if (err instanceof LabConfigError) return { code: EXIT.invalidLab, message };
  if (NOT_READY.some((c) => err instanceof c)) return { code: EXIT.notReady, message };
  if (err instanceof NotConvergedError) return { code: EXIT.failed, message };
  // A crash of our own code (not an error we raised on purpose) comes with where it happened.
  const crash = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError;
  const stack = crash && err.stack ? `\n${err.stack.split('\n').slice(1).join('\n')}` : '';
  return { code: EXIT.internal, message: `internal error: ${message}${stack}` };
}
