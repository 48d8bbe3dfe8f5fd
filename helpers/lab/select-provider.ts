/** Picks the provider by name (flag, then ANYCAST_VERIFY_PROVIDER, then netns). */
import type { LabModel } from '../model/lab-model.js';
import { NetnsProvider } from '../providers/netns/netns-provider.js';
import type { ProviderName } from '../providers/api/lab-handle.js';
import type { LabProvider } from '../providers/api/lab-provider.js';

export const PROVIDERS: ProviderName[] = ['netns', 'containerlab'];

export function providerName(flag?: string): ProviderName {
  const name = flag ?? process.env.ANYCAST_VERIFY_PROVIDER ?? 'netns';
  if (!(PROVIDERS as string[]).includes(name))
    throw new Error(`unknown provider "${name}" (choose one of: ${PROVIDERS.join(', ')})`);
  return name as ProviderName;
}

/** The containerlab provider is loaded only when chosen: its Kubernetes and Docker clients are heavy to import. */
export async function createProvider(name: ProviderName, model: LabModel): Promise<LabProvider> {
  switch (name) {
    case 'netns':
      return new NetnsProvider(model);
    case 'containerlab': {
      const { ContainerlabProvider } = await import('../providers/containerlab/containerlab-provider.js');
      return new ContainerlabProvider(model);
    }
  }
}
