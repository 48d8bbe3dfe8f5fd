/**
 * Progress on stderr for long steps: one line per step with its duration, so a user sees
 * where bring-up spends its time and where it stopped. Quiet mode keeps only failures.
 */
export interface Progress {
  step<T>(title: string, fn: () => Promise<T>): Promise<T>;
  info(message: string): void;
}

export function stderrProgress(opts: { quiet?: boolean; prefix?: string } = {}): Progress {
  const prefix = opts.prefix ?? 'anycast-verify';
  const write = (s: string) => {
    if (!opts.quiet) process.stderr.write(`${s}\n`);
  };
  return {
    async step(title, fn) {
      const t0 = performance.now();
      try {
        const out = await fn();
        write(`${prefix}: ✔ ${title} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
        return out;
      } catch (err) {
        process.stderr.write(`${prefix}: ✘ ${title} (${((performance.now() - t0) / 1000).toFixed(2)} s)\n`);
        throw err;
      }
    },
    info(message) {
      write(`${prefix}: ${message}`);
    },
  };
}

export const silentProgress: Progress = {
  step: (_t, fn) => fn(),
  info: () => {},
};
