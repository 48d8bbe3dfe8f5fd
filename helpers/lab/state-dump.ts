/**
 * A snapshot of the lab for a failed test (what FRR topotests and MetalLB's e2e dump): per
 * router its running config, BGP neighbours, BGP table and kernel routes; per node its
 * speaker's view; every daemon log. Written under reports/<test>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandle } from '../providers/api/lab-handle.js';

const ROUTER_COMMANDS = [
  'show running-config',
  'show bgp summary json',
  'show bgp neighbors json',
  'show bgp ipv4 unicast json',
  'show ip route json',
];

export function safeName(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 120) || 'test'
  );
}

export async function dumpState(lab: LabHandle, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, text: string) => writeFileSync(join(dir, name), text);
  await Promise.all(
    Object.keys(lab.model.routers).map(async (r) => {
      for (const cmd of ROUTER_COMMANDS)
        put(`${r}.${safeName(cmd)}.txt`, await lab.vtysh(r, cmd).catch((e: Error) => `error: ${e.message}`));
      put(`${r}.kernel-routes.json`, (await lab.exec(r, ['ip', '-j', 'route', 'show'], { reject: false })).stdout);
    }),
  );
  await Promise.all(
    Object.keys(lab.model.k8sNodes).map(async (n) => {
      put(
        `${n}.speaker-peers.json`,
        JSON.stringify(await lab.speakerPeers(n).catch((e: Error) => ({ error: e.message })), null, 2),
      );
      put(`${n}.kernel-routes.json`, (await lab.exec(n, ['ip', '-j', 'route', 'show'], { reject: false })).stdout);
    }),
  );
  for (const [name, text] of Object.entries(await lab.logs().catch(() => ({})))) put(`${safeName(name)}.log`, text);
}
