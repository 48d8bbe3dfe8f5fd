/** What a suite uses to reach the lab: a handle from whichever provider the run selected. */
import { inject } from 'vitest';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { createProvider, providerName } from '../helpers/lab/select-provider.js';
import type { LabHandle } from '../helpers/providers/api/lab-handle.js';

let cached: Promise<LabHandle> | undefined;

export function useLab(): Promise<LabHandle> {
  cached ??= (async () => {
    const model = loadLabModel({ root: inject('labRoot') });
    return (await createProvider(providerName(inject('labProvider')), model)).attach();
  })();
  return cached;
}
