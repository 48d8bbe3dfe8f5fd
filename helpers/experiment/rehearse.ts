/**
 * `anycast-verify rehearse`: for each strategy, a lab of its own comes up on the old runtime
 * (the lab's files copied, the graceful-restart overlay written into the copy when the strategy
 * asks for it), the rehearsal runs every step on it under traffic (./rehearsal-run.ts), and the
 * lab is removed, also when a step fails or the run is interrupted. Each strategy starts from
 * the same old versions, so their costs compare.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { faultTarget } from '../faults/fault-target.js';
import { grOverlay } from '../faults/gr-overlay.js';
import { UPGRADE_STRATEGIES, upgradeSteps, type UpgradeStrategy } from '../faults/upgrades.js';
import { bringUp } from '../lab/bring-up.js';
import { createProvider } from '../lab/select-provider.js';
import { loadModelFrom, withLabName, type LabModel, type ModelSource } from '../model/lab-model.js';
import type { Progress } from '../os/progress.js';
import { readState, writeState } from '../os/run-state.js';
import { rehearsalFindings, type RehearsalFindings } from './rehearsal-findings.js';
import { runRehearsal, type RehearsalRun } from './rehearsal-run.js';

export interface RehearseOptions {
  model: LabModel;
  from: string;
  to: string;
  strategies: UpgradeStrategy[];
  order?: string;
  progress: Progress;
  signal?: AbortSignal;
}

export interface StrategyResult {
  strategy: UpgradeStrategy;
  /** The versions the lab ran before the first step. */
  versions: Record<string, string>;
  /** The VIP the traffic went to, and every next hop each meeting point holds for it when nothing is wrong. */
  vip?: string;
  fullSet?: [router: string, nextHops: string[]][];
  run?: RehearsalRun;
  findings?: RehearsalFindings;
  /** Why the strategy did not run to its end (bring-up failed, a step failed). */
  problem?: string;
}

/** The rehearsal lab's name: the lab's, with `-up` (its namespaces and run folder are its own). */
export const rehearsalLabName = (lab: string) => `${lab}-up`;

/**
 * The lab's files copied into `dir` at the same places relative to its root (and versions.env,
 * whose pins the runtimes are chosen by); with `overlay`, every router's frr.conf and daemons
 * file carries the graceful-restart overlay. Returns the copy's source.
 */
export function copyLabFiles(model: LabModel, dir: string, overlay: boolean): ModelSource {
  const src = model.source;
  const inside = (p: string) => {
    const rel = relative(src.root, p);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new Error(`rehearse copies the lab's files: ${p} is outside the lab's folder ${src.root}`);
    return join(dir, rel);
  };
  const topoDir = join(src.topologyFile, '..');
  for (const p of [topoDir, src.fixturesDir, src.intentFile, join(src.root, 'versions.env')])
    if (existsSync(p)) cpSync(p, inside(p), { recursive: true });
  if (overlay) {
    const daemonsDone = new Set<string>();
    for (const r of Object.values(model.routers)) {
      const g = grOverlay(readFileSync(r.frrConfPath, 'utf8'), readFileSync(r.daemonsPath, 'utf8'));
      writeFileSync(inside(r.frrConfPath), g.frrConf);
      if (!daemonsDone.has(r.daemonsPath)) writeFileSync(inside(r.daemonsPath), g.daemons);
      daemonsDone.add(r.daemonsPath);
    }
  }
  return {
    ...src,
    root: dir,
    topologyFile: inside(src.topologyFile),
    fixturesDir: inside(src.fixturesDir),
    intentFile: inside(src.intentFile),
    name: rehearsalLabName(model.name),
  };
}

/** The copies' folders: `anycast-verify-rehearse-<pid>-…` in the system temp folder. */
const COPY_PREFIX = 'anycast-verify-rehearse-';

/** Copies a killed rehearsal left (its process gone), removed before a new one starts. */
function removeStaleCopies(): void {
  for (const e of readdirSync(tmpdir())) {
    const pid = Number(new RegExp(`^${COPY_PREFIX}(\\d+)-`).exec(e)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(tmpdir(), e), { recursive: true, force: true });
    }
  }
}

/** The lab's record names the copy, so `down` and the reaper remove it with the lab, even after a SIGKILL. */
function recordCopy(lab: string, dir: string): void {
  const s = readState(lab);
  if (!s) return;
  s.paths.push(dir);
  writeState(s);
}

async function rehearseOne(o: RehearseOptions, strategy: UpgradeStrategy): Promise<StrategyResult> {
  const dir = mkdtempSync(join(tmpdir(), `${COPY_PREFIX}${process.pid}-`));
  try {
    const model = withLabName(
      loadModelFrom(copyLabFiles(o.model, dir, UPGRADE_STRATEGIES[strategy].overlay)),
      rehearsalLabName(o.model.name),
    );
    const steps = upgradeSteps(model, o.order);
    const provider = await createProvider('netns', model);
    await provider.preflight({ runtime: o.from });
    await provider.preflight({ runtime: o.to });
    const { lab } = await bringUp(
      provider,
      { progress: o.progress, persistent: false, signal: o.signal, runtime: o.from },
      'require',
    );
    recordCopy(model.name, dir);
    try {
      const versions = await lab.versions();
      const target = faultTarget(lab);
      const run = await runRehearsal(lab, target, steps, strategy, o.from, o.to, (l) => o.progress.info(l), o.signal);
      return {
        strategy,
        versions,
        vip: target.vip,
        fullSet: [...target.fullSet],
        run,
        findings: rehearsalFindings(model, target, run),
      };
    } finally {
      await provider.down({ progress: o.progress });
    }
  } catch (err) {
    return { strategy, versions: {}, problem: (err as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function rehearse(o: RehearseOptions): Promise<StrategyResult[]> {
  removeStaleCopies();
  const out: StrategyResult[] = [];
  for (const s of o.strategies) {
    if (o.signal?.aborted) break;
    o.progress.info(`rehearsal ${s}: ${UPGRADE_STRATEGIES[s].title}`);
    out.push(await rehearseOne(o, s));
  }
  return out;
}
