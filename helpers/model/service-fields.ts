/**
 * Service fields the emulation does not carry out, followed where the lab's behaviour is the
 * same without them and rejected by name where it is not:
 * - `loadBalancerSourceRanges`: Cilium drops traffic to the VIP from outside the ranges; the
 *   netns lab does not filter. Accepted when every client of the lab is inside a range (nothing
 *   a client sees changes), rejected naming the client that Cilium would drop otherwise.
 * - `ipFamilies` / `ipFamilyPolicy`: the lab is IPv4 only; IPv6 or RequireDualStack is rejected.
 */
import type { ProblemList } from './errors.js';
import type { ServiceDoc } from './cluster-objects.js';
import { cidrContains, cidrError, parseCidr } from './ipv4.js';

/** A client of the lab: a host and one of its addresses. */
export interface LabClient {
  name: string;
  ip: string;
}

interface ServiceFamilyFields {
  loadBalancerSourceRanges?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
}

/** One cluster's Services, checked for the fields above against the lab's clients. */
export function checkServiceFields(services: ServiceDoc[], clients: LabClient[], problems: ProblemList): void {
  for (const { s, doc } of services) {
    const spec = s.spec as ServiceFamilyFields;
    const at = (f: string, message: string, path: (string | number)[] = ['spec', f]) =>
      problems.add({ file: doc.file, field: `spec.${f}`, line: doc.lineOf(path), message });
    (spec.ipFamilies ?? []).forEach((f, i) => {
      if (f !== 'IPv4') at(`ipFamilies[${i}]`, `${f} is not emulated: the lab is IPv4 only`, ['spec', 'ipFamilies', i]);
    });
    if (spec.ipFamilyPolicy === 'RequireDualStack')
      at('ipFamilyPolicy', 'RequireDualStack is not emulated: the lab is IPv4 only');
    const ranges = spec.loadBalancerSourceRanges;
    if (!ranges) continue;
    const bad = ranges.findIndex((r) => cidrError(r) !== undefined);
    if (bad >= 0) {
      at(`loadBalancerSourceRanges[${bad}]`, cidrError(ranges[bad]!)!, ['spec', 'loadBalancerSourceRanges', bad]);
      continue;
    }
    const outside = clients.filter((c) => !ranges.some((r) => cidrContains(parseCidr(r), c.ip)));
    if (outside.length)
      at(
        'loadBalancerSourceRanges',
        `${outside.map((c) => `client ${c.name} (${c.ip})`).join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside [${ranges.join(', ')}]: Cilium would drop ${outside.length === 1 ? 'its' : 'their'} traffic to the VIP, and the emulation does not filter by source (put every client inside a range, or leave the field out)`,
      );
  }
}
