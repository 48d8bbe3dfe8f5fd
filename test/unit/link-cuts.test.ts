/**
 * The links a fault took down at a router, with the VIP's next hops through each just before:
 * what lets a SYN dropped on such a link, as it went down, be the fault's own (allowed-losses.ts).
 */
import { describe, expect, it } from 'vitest';
import { linkCuts } from '../../helpers/experiment/failover-findings.js';

const route = (t: number, router: string, nextHops: string[], devs: string[]) =>
  ({ t, router, prefix: '172.30.0.10', nextHops, devs, source: 'event' }) as const;

describe('linkCuts', () => {
  const tl = {
    tFault: 1000,
    tRestore: 3000,
    fib: [
      route(500, 'spine', ['10.0.2.11', '10.0.3.11'], ['eth2', 'eth3']),
      // The flush the monitor derives at the link's own stamp is not the state before it.
      route(1046, 'spine', ['10.0.3.11'], ['eth3']),
    ],
    links: [
      { t: 1046, router: 'spine', dev: 'eth2', down: true },
      { t: 1046, router: 'cluster01', dev: 'eth0', down: true },
      { t: 900, router: 'spine', dev: 'eth3', down: true },
      { t: 3100, router: 'spine', dev: 'eth3', down: true },
      { t: 2000, router: 'spine', dev: 'eth2', down: false },
      { t: 1500, router: 'spine', dev: 'eth9', down: true },
    ],
  };
  it('takes each link down at a router between the command and the restore that carried a next hop of the VIP', () => {
    expect(linkCuts(tl, '172.30.0.10', ['spine', 'leaf2'])).toEqual([
      { router: 'spine', dev: 'eth2', gateways: ['10.0.2.11'], from: 1000, to: 1046 },
    ]);
  });
  it('has none without a route state before the link went down', () => {
    expect(linkCuts({ ...tl, fib: [] }, '172.30.0.10', ['spine'])).toEqual([]);
  });
});
