/**
 * What a suite uses to reach the lab: the run's lab (useLab), shared by the read-only suites,
 * or, for a scenario that breaks things (a fault, a break), a lab of its own (scenarioLab): a
 * copy leased from the run's scenario-lab pool (helpers/lab/lab-pool.ts), or the run's lab
 * itself when the run has no copies (containerlab, a reused lab, ANYCAST_VERIFY_SCENARIO_LABS=0).
 */
import { afterAll, beforeAll, inject, type TestContext } from 'vitest';
import { basename, join } from 'node:path';
import { loadModelFrom } from '../helpers/model/lab-model.js';
import { createProvider, providerName } from '../helpers/lab/select-provider.js';
import { leaseLab, type Lease } from '../helpers/lab/lab-lease.js';
import { dumpState, safeName } from '../helpers/lab/state-dump.js';
import { convergenceProblem } from '../helpers/claims/convergence.js';
import { Deadline, waitUntil } from '../helpers/os/poll.js';
import { recordArtefact } from '../helpers/report/metrics.js';
import type { LabHandle } from '../helpers/providers/api/lab-handle.js';

let cached: Promise<LabHandle> | undefined;

export function useLab(): Promise<LabHandle> {
  cached ??= (async () => {
    // The files the run's lab was built from, as the global setup resolved them: not the root's defaults.
    const model = loadModelFrom(inject('labSource'));
    return (await createProvider(providerName(inject('labProvider')), model)).attach();
  })();
  return cached;
}

/**
 * A scenario test's timeout: a hang guard, no claim (each scenario's waits have budgets of their
 * own). It covers waiting for a copy while the other scenarios hold every one: at most the sum
 * of the scenario suites' runs one after another, 3.5 min on this 2-core host (2026-12-03).
 */
export const SCENARIO_TIMEOUT_MS = 600_000;

/** Whether scenarios run side by side on copies of the lab (else one after another on the run's lab). */
export function scenariosInParallel(): boolean {
  return inject('scenarioLabs').size > 0;
}

/**
 * How long a scenario may take to leave its lab converged again: the same deadline bring-up
 * has to converge (helpers/lab/bring-up.ts CONVERGENCE_DEADLINE_SECONDS, netns).
 */
const RECONVERGE_MS = 30_000;

async function reconverged(lab: LabHandle, what: string): Promise<string | undefined> {
  try {
    await waitUntil(() => convergenceProblem(lab), { what, deadline: new Deadline(RECONVERGE_MS) });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A copy leased from the run's pool, or the run's own lab when the run has no copies. */
async function takeLab(label: string, weight: number): Promise<Lease> {
  const access = inject('scenarioLabs');
  return access.size
    ? leaseLab(access, providerName(inject('labProvider')), label, weight)
    : { lab: await useLab(), release: async () => {} };
}

/** Gives the lab back once its daemons live and it converged again; returns why not, if not (then it goes back broken). */
async function giveBack(lease: Lease, after: string): Promise<string | undefined> {
  const dead = await lease.lab.health();
  const problem = dead
    ? `a daemon died: ${dead}`
    : await reconverged(lease.lab, `${lease.lab.model.name} to converge again after ${after}`);
  await lease.release(problem ? 'broken' : 'converged');
  return problem;
}

/** As the shared lab's own check before every test (suites/setup/lab-health.ts), for a leased lab. */
async function requireAlive(lab: LabHandle): Promise<void> {
  const dead = await lab.health();
  if (dead) throw new Error(`the scenario lab ${lab.model.name} is broken: ${dead}`);
}

/**
 * The lab for one test's scenario. `weight`: its expected seconds (the pool starts the heaviest
 * first). When the test ends, a failed test's lab state is dumped into its report folder, then
 * the lab must converge again (else the test fails, and a leased copy is replaced).
 */
export async function scenarioLab(ctx: TestContext, weight: number): Promise<LabHandle> {
  const copies = inject('scenarioLabs').size > 0;
  // "4-failover > silent-drop: …": the file and the test, for the pool's log and progress lines.
  const name = `${basename(ctx.task.file.name, '.test.ts')} > ${ctx.task.name}`;
  const lease = await takeLab(name, weight);
  // The test's own hook: with concurrent tests, only the context knows which test this is.
  ctx.onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail' && copies) {
      const dir = join(inject('reportsDir'), `${safeName(name)}-${lease.lab.model.name}`);
      await dumpState(lease.lab, dir).catch(() => undefined);
      recordArtefact(task, `${safeName(name)}-${lease.lab.model.name}/`);
    }
    const problem = await giveBack(lease, 'the scenario');
    if (problem) throw new Error(`the scenario left the lab broken: ${problem}`);
  });
  await requireAlive(lease.lab);
  return lease.lab;
}

/**
 * One lab for every test of a suite whose tests build on each other (a break, then its lift):
 * leased before the first, given back after the last once it converged again.
 */
export function suiteScenarioLab(label: string, weight: number): () => LabHandle {
  let lease: Lease | undefined;
  // The wait for a copy is a scenario's wait (SCENARIO_TIMEOUT_MS), not a hook's: with one copy,
  // every other scenario may hold it first (measured 2026-12-04, 2 cores, one copy: suite 7 still
  // waited after the 120 s hookTimeout while the copy ran 14 scenarios for 172 s).
  beforeAll(async () => {
    lease = await takeLab(label, weight);
    await requireAlive(lease.lab);
  }, SCENARIO_TIMEOUT_MS);
  afterAll(async () => {
    if (!lease) return;
    const problem = await giveBack(lease, label);
    if (problem) throw new Error(`${label} left the lab broken: ${problem}`);
  });
  return () => {
    if (!lease) throw new Error(`${label}: the scenario lab is leased in beforeAll, not yet`);
    return lease.lab;
  };
}
