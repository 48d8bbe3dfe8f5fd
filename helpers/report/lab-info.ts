/**
 * reports/lab.json: what the report states about the lab a run used (versions, the hash
 * policy as the routers run it, the BGP timers, the bring-up time). The vitest global setup
 * writes it (suites/setup/global-lab.ts), the run reporter reads it back into results.json
 * (./run-reporter.ts); both go through this module, and the reader checks the shape, so a
 * changed writer or a damaged file is named instead of crashing the report.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FabricHashing } from '../model/hashing.js';
import type { LabModel } from '../model/lab-model.js';
import type { LabHandle, ProviderName } from '../providers/api/lab-handle.js';
import { readHashing } from '../readers/hash-policy.js';

export const LAB_INFO_FILE = 'lab.json';

/** One BGP session's timers as the lab's speaker was configured (seconds). */
export interface LabTimers {
  node: string;
  peer: string;
  hold: number;
  keepalive: number;
  connectRetry: number;
  gracefulRestart: { restartTimeSeconds: number } | null;
}

export interface LabInfo {
  /** The lab's name (the topology's). */
  lab: string;
  provider: ProviderName;
  /** Runtime, FRR, GoBGP, Cilium, kernel: as run, and as pinned ("frr pinned"). */
  versions: Record<string, string>;
  /** The ECMP hash policy as the routers run it, or why it could not be read. */
  hashing: FabricHashing | string;
  timers: LabTimers[];
  /** Bring-up to converged; absent for a reused lab, or one that did not converge. */
  bringUpSeconds?: number;
  /**
   * Copies of the lab the fault scenarios ran on side by side (helpers/lab/lab-pool.ts); 0: one
   * after another on this lab. Timings of the two modes differ (CPU shared on a small host), so
   * the gate compares runs of the same mode only.
   */
  scenarioLabs?: number;
  /**
   * How many labs ran fault scenarios at once: the copies, plus the run's own lab when it joined
   * them after the read-only suites (from 2026-12-04; before, one copy meant one lane). Absent in
   * older results: then `scenarioLabs` is the number of lanes.
   */
  scenarioLanes?: number;
}

const labInfoSchema: z.ZodType<LabInfo> = z.object({
  lab: z.string(),
  provider: z.enum(['netns', 'containerlab']),
  versions: z.record(z.string(), z.string()),
  hashing: z.union([z.object({ policy: z.number(), fields: z.number().optional() }), z.string()]),
  timers: z.array(
    z.object({
      node: z.string(),
      peer: z.string(),
      hold: z.number(),
      keepalive: z.number(),
      connectRetry: z.number(),
      gracefulRestart: z.object({ restartTimeSeconds: z.number() }).nullable(),
    }),
  ),
  bringUpSeconds: z.number().optional(),
  scenarioLabs: z.number().optional(),
  scenarioLanes: z.number().optional(),
});

/** What the report states about `lab`, read from it where it can be (the hash policy as the routers run it). */
export async function labInfoOf(
  lab: LabHandle,
  model: LabModel,
  run: { bringUpSeconds?: number; scenarioLabs?: number; scenarioLanes?: number } = {},
): Promise<LabInfo> {
  const timers = Object.values(model.clusters).flatMap((c) =>
    Object.values(c.speakers).flatMap((s) =>
      s.peers.map((p) => ({
        node: s.node,
        peer: p.address,
        hold: p.holdSeconds,
        keepalive: p.keepaliveSeconds,
        connectRetry: p.connectRetrySeconds,
        gracefulRestart: p.gracefulRestart ?? null,
      })),
    ),
  );
  return {
    lab: model.name,
    provider: lab.provider,
    versions: await lab.versions(),
    hashing: await readHashing(lab).catch((e: Error) => e.message),
    timers,
    bringUpSeconds: run.bringUpSeconds,
    scenarioLabs: run.scenarioLabs,
    scenarioLanes: run.scenarioLanes,
  };
}

export function writeLabInfo(reports: string, info: LabInfo): void {
  writeFileSync(join(reports, LAB_INFO_FILE), JSON.stringify(info, null, 2));
}

export type LabInfoRead =
  | { status: 'ok'; info: LabInfo }
  /** None from this run: no lab was brought up (a unit-only run), or its bring-up failed first. */
  | { status: 'missing'; problem: string }
  | { status: 'malformed'; problem: string };

/** This run's lab.json (`since`: the run's start, epoch ms: an older file is another run's). */
export function readLabInfo(reports: string, opts: { since?: number } = {}): LabInfoRead {
  const file = join(reports, LAB_INFO_FILE);
  if (!existsSync(file)) return { status: 'missing', problem: `${file} is missing` };
  if (opts.since !== undefined && statSync(file).mtimeMs < opts.since)
    return { status: 'missing', problem: `${file} is from an earlier run` };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { status: 'malformed', problem: `${file} is not JSON: ${(err as Error).message}` };
  }
  const parsed = labInfoSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(the whole file)'}: ${i.message}`);
    return { status: 'malformed', problem: `${file} is not a lab record: ${issues.join('; ')}` };
  }
  return { status: 'ok', info: parsed.data };
}
