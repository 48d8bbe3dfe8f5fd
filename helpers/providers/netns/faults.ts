/**
 * The netns lab's fault actions on an emulated Kubernetes node. Each reproduces what the
 * real fault does on the wire (see helpers/faults/ for the budgets):
 *   vip-withdrawn   the node's speaker withdraws the VIP (the CiliumBGPAdvertisement removed);
 *                   the echo pod keeps serving
 *   node-link-down  the node's interface goes down (the leaf, behind the cluster bridge, sees no carrier loss)
 *   speaker-crash   SIGKILL of the node's GoBGP (a crashed cilium-agent: TCP closes, no NOTIFICATION);
 *                   the data plane keeps serving
 *   silent-drop     nftables drops everything in and out of the node (found only by hold-timer expiry)
 *   uplink-down     every link from the node's leaf to a router above it goes down, on the upper
 *                   router's side (its kernel and bgpd see the interface go down at once)
 */
import { addressOwner } from '../../model/expected-routes.js';
import { routeReplaceArgs } from '../../model/host-exec.js';
import { uplinkEnds } from '../../model/uplinks.js';
import type { LabModel } from '../../model/lab-model.js';
import { run } from '../../os/command.js';
import { readState, runDir, writeState, type LabRuntime } from '../../os/run-state.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import type { FaultKind } from '../api/lab-handle.js';
import { advertise, startSpeaker, withdraw } from './emulated-node.js';
import { nsName } from './naming.js';
import { stopProcesses } from './processes.js';

const NFT_TABLE = 'anycast_verify_fault';

export async function injectNetnsFault(
  model: LabModel,
  rt: LabRuntime,
  kind: FaultKind,
  node: string,
): Promise<{ restore: () => Promise<void> }> {
  const n = model.k8sNodes[node];
  if (!n)
    throw new Error(
      `faults are injected on Kubernetes nodes; "${node}" is not one (${Object.keys(model.k8sNodes).join(', ')})`,
    );
  const lab = model.name;
  const ns = nsName(lab, node);
  const intent = model.clusters[n.cluster]?.speakers[node];
  if (!intent) throw new Error(`node ${node} runs no BGP speaker (no CiliumBGPClusterConfig selects it)`);
  switch (kind) {
    case 'vip-withdrawn':
      await withdraw(rt, lab, intent);
      return { restore: () => advertise(rt, lab, intent) };
    case 'node-link-down':
      await run(['ip', '-n', ns, 'link', 'set', n.iface, 'down']);
      return {
        restore: async () => {
          await run(['ip', '-n', ns, 'link', 'set', n.iface, 'up']);
          // The kernel dropped the routes through the interface with it; exec lines put them back.
          for (const r of n.routes) await run(['ip', '-n', ns, ...routeReplaceArgs(r)]);
        },
      };
    case 'speaker-crash': {
      const state = readState(lab);
      const rec = state?.processes.find((p) => p.node === node && p.what.startsWith('gobgpd'));
      if (!state || !rec) throw new Error(`no running GoBGP recorded for ${node}`);
      // SIGKILL alone. A SIGTERM, even an instant before, lets GoBGP send a Cease; from v3.26 on
      // it goes out as a Hard Reset when the N-bit is negotiated and the leaf flushes at once,
      // which is a clean shutdown, not a crash (measured: it won the race in 2 of 3 sid runs).
      await stopProcesses([rec], 'kill');
      return {
        restore: async () => {
          // A restarted agent comes back with the Restarting bit set, like Cilium.
          const fresh = await startSpeaker(rt, lab, intent, runDir(lab), { restarting: true });
          const s = readState(lab)!;
          s.processes = s.processes.filter((p) => p !== rec && !(p.pid === rec.pid && p.startTime === rec.startTime));
          s.processes.push(fresh);
          writeState(s);
        },
      };
    }
    case 'silent-drop': {
      const rules = [
        `table inet ${NFT_TABLE} {`,
        '  chain in { type filter hook input priority -300; policy drop; }',
        '  chain out { type filter hook output priority -300; policy drop; }',
        '}',
      ].join('\n');
      await run(inRuntime(ns, rt.root, ['nft', '-f', '-']), { input: `${rules}\n` });
      return {
        restore: async () => void (await run(inRuntime(ns, rt.root, ['nft', 'delete', 'table', 'inet', NFT_TABLE]))),
      };
    }
    case 'uplink-down': {
      // The leaf the node peers with, and the far end of each of its links to another router.
      const leaf = addressOwner(model, intent.peers[0]!.address)!;
      const ends = uplinkEnds(model, leaf);
      if (!ends.length) throw new Error(`${leaf} (the leaf of ${node}) has no link to another router`);
      const set = (state: 'up' | 'down') =>
        Promise.all(ends.map((e) => run(['ip', '-n', nsName(lab, e.node), 'link', 'set', e.iface, state])));
      await set('down');
      return { restore: async () => void (await set('up')) };
    }
  }
}
