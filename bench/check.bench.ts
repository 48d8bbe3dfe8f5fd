/**
 * `anycast-verify check` speed: the time from launching the CLI to its verdict, on the real
 * files (accepted) and on a broken copy (rejected, exit 2), median of N (default 5).
 * Target: under 2 s, before anything is created. Writes reports/bench-check.json.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { median } from './support.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin', 'anycast-verify.mjs');
const broken = mkdtempSync(join(tmpdir(), 'anycast-verify-bench-'));
cpSync(join(root, 'containerlab'), join(broken, 'containerlab'), { recursive: true });
cpSync(join(root, 'fixtures'), join(broken, 'fixtures'), { recursive: true });
const peer = join(broken, 'fixtures/cilium/bgp-peer-config.yaml');
writeFileSync(peer, readFileSync(peer, 'utf8').replace('keepAliveTimeSeconds', 'keepaliveTimeSeconds'));

async function time(dir: string, expectCode: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await execa(process.execPath, [cli, '-C', dir, 'check'], { reject: false });
    out.push((performance.now() - t0) / 1000);
    if (r.exitCode !== expectCode)
      throw new Error(`check on ${dir} exited ${r.exitCode}, expected ${expectCode}: ${r.stderr}`);
  }
  return out;
}
try {
  const ok = await time(root, 0);
  const bad = await time(broken, 2);
  const summary = {
    runs,
    acceptedMedianSeconds: median(ok),
    rejectedMedianSeconds: median(bad),
    accepted: ok,
    rejected: bad,
  };
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports', 'bench-check.json'), JSON.stringify(summary, null, 2));
  process.stdout.write(
    `check: accepted in ${summary.acceptedMedianSeconds.toFixed(2)} s, rejected in ${summary.rejectedMedianSeconds.toFixed(2)} s (median of ${runs}, CLI start included)\n`,
  );
} finally {
  rmSync(broken, { recursive: true, force: true });
}
