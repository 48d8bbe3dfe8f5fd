/**
 * The seed lab with routing policy, as a throw-away copy (lab-copy.ts): leaf2 and leaf3 peer
 * with the spine through a peer-group (UPLINK), and leaf3's peer-group prepends its AS twice
 * towards the spine with a route-map matching the VIP pool's prefix-list. The spine then
 * prefers cluster01's path for the VIP (AS path 2 long against 4): no ECMP there, and the
 * intent says so (no `ecmp` at the spine). The seed lab itself stays as it is.
 */
import type { LabCopy } from './lab-copy.js';

export const POLICY_LEAF2 = 'containerlab/configs/leaf2.frr.conf';
export const POLICY_LEAF3 = 'containerlab/configs/leaf3.frr.conf';

/** The uplink as a peer-group member: `neighbor <spine> remote-as/description` become the group's. */
function uplinkPeerGroup(c: Pick<LabCopy, 'edit'>, file: string, spine: string): void {
  c.edit(
    file,
    ` neighbor ${spine} remote-as 64999\n neighbor ${spine} description spine\n`,
    ` neighbor UPLINK peer-group\n neighbor UPLINK remote-as 64999\n neighbor UPLINK description spine\n neighbor ${spine} peer-group UPLINK\n`,
  );
}

/** Turns a copy of the seed lab into the policy lab (see the file comment). */
export function makePolicyLab(c: Pick<LabCopy, 'edit'>): void {
  uplinkPeerGroup(c, POLICY_LEAF2, '10.0.2.1');
  uplinkPeerGroup(c, POLICY_LEAF3, '10.0.3.1');
  c.edit(
    POLICY_LEAF3,
    'router bgp 65003\n',
    [
      '! The VIP pool, towards the spine two more times behind this AS: the spine prefers cluster01.',
      'ip prefix-list VIPS seq 5 permit 172.30.0.0/24 le 32',
      '!',
      'route-map UPLINK-OUT permit 10',
      ' match ip address prefix-list VIPS',
      ' set as-path prepend 65003 65003',
      'exit',
      'route-map UPLINK-OUT permit 20',
      'exit',
      '!',
      'router bgp 65003\n',
    ].join('\n'),
  );
  c.edit(
    POLICY_LEAF3,
    ' neighbor 192.168.99.2 password anycast-lab-md5\n',
    ' neighbor 192.168.99.2 password anycast-lab-md5\n !\n address-family ipv4 unicast\n  neighbor UPLINK route-map UPLINK-OUT out\n exit-address-family\n',
  );
  // The intent follows the policy: the VIP is served from both clusters, ECMP at the spine no longer.
  c.edit('intent.yaml', '    ecmp:\n      - router: spine\n        over: [cluster01, cluster02]\n', '');
}
