/**
 * vitest global setup: brings the lab up once for the whole run and down afterwards,
 * even when a test fails or the run is interrupted. Set ANYCAST_VERIFY_REUSE=1 to run the
 * suites against a lab already started with `anycast-verify up` (it is then left up).
 */
import type { TestProject } from 'vitest/node';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { createProvider, providerName } from '../../helpers/lab/select-provider.js';
import { checkFrrConfigs } from '../../helpers/lab/check.js';
import { stderrProgress } from '../../helpers/runtime/progress.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labProvider: string;
    labRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = project.config.root;
  const model = loadLabModel({ root });
  await checkFrrConfigs(model);
  const provider = createProvider(providerName(), model);
  project.provide('labProvider', provider.name);
  project.provide('labRoot', root);
  const progress = stderrProgress({ prefix: 'lab' });
  if (process.env.ANYCAST_VERIFY_REUSE === '1') {
    await provider.attach();
    progress.info(`reusing the running lab "${model.name}"`);
    return async () => {};
  }
  await provider.preflight();
  const teardown = async () => {
    await provider.down({ progress });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    progress.info(`${sig}: removing the lab`);
    teardown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  await provider.up({ progress, persistent: false });
  progress.info(`lab "${model.name}" converged in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await teardown();
  };
}
