/**
 * The containerlab handle at its boundary with the host: the exact commands it runs for
 * exec, vtysh and each fault (inject and restore), and how it reads tool versions.
 * Nothing is executed: a recording runner stands in for the host.
 */
import {
  CONTAINER_PROCESS_MAX_SECONDS,
  containerProcessArgv,
} from '../../helpers/providers/containerlab/container-process.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import {
  ContainerlabHandle,
  missingRouteArgv,
  parseContainerlabVersion,
  parseIpRoutes,
  versionAtLeast,
} from '../../helpers/providers/containerlab/containerlab-provider.js';
import type { RunOptions, RunResult } from '../../helpers/os/command.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });

function recording(reply: (argv: readonly string[]) => Partial<RunResult> = () => ({})) {
  const calls: string[] = [];
  const runner = async (argv: readonly string[], _o?: RunOptions): Promise<RunResult> => {
    calls.push(argv.join(' '));
    return { stdout: '', stderr: '', exitCode: 0, ...reply(argv) };
  };
  return { calls, handle: new ContainerlabHandle(model, { run: runner as never }) };
}

describe('containerlab handle commands', () => {
  it('runs node commands through docker exec, routers as clab-<lab>-<node>, Kubernetes nodes by profile', async () => {
    const { calls, handle } = recording();
    await handle.exec('leaf1', ['ip', '-j', 'route']);
    await handle.exec('cluster01', ['ip', 'route']);
    await handle.vtysh('spine', 'show bgp summary json');
    expect(calls).toEqual([
      'docker exec clab-anycast-leaf1 ip -j route',
      'docker exec cluster01 ip route',
      'docker exec clab-anycast-spine vtysh -c show bgp summary json',
    ]);
  });

  it('maps the node faults to commands inside the node, and restores them', async () => {
    const { calls, handle } = recording();
    const drop = await handle.injectFault('silent-drop', 'cluster01');
    await drop.restore();
    await handle.injectFault('speaker-crash', 'cluster01');
    expect(calls).toEqual([
      'docker exec cluster01 iptables -t raw -I PREROUTING 1 -i eth0 -j DROP',
      'docker exec cluster01 iptables -t raw -I OUTPUT 1 -o eth0 -j DROP',
      'docker exec cluster01 iptables -t raw -D PREROUTING -i eth0 -j DROP',
      'docker exec cluster01 iptables -t raw -D OUTPUT -o eth0 -j DROP',
      'docker exec cluster01 pkill -KILL -x cilium-agent',
    ]);
  });

  it('node-link-down: the restore puts back every route the link took with it, the default route included', async () => {
    // Captured shapes of `ip -j route show table all` in a minikube node (iproute2 6.x).
    const before = [
      { type: 'unicast', dst: 'default', gateway: '192.168.49.1', dev: 'eth0', flags: [] },
      {
        type: 'unicast',
        dst: '10.244.0.0/24',
        gateway: '10.244.0.229',
        dev: 'cilium_host',
        protocol: 'kernel',
        prefsrc: '10.244.0.229',
        flags: [],
      },
      {
        type: 'unicast',
        dst: '192.168.49.0/24',
        dev: 'eth0',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '192.168.49.2',
        flags: [],
      },
      { type: 'unicast', dst: '192.168.100.0/24', gateway: '192.168.49.101', dev: 'eth0', flags: [] },
      { type: 'unicast', dst: '192.168.200.0/24', gateway: '192.168.49.101', dev: 'eth0', flags: [] },
      {
        type: 'local',
        dst: '192.168.49.2',
        dev: 'eth0',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '192.168.49.2',
        flags: [],
      },
    ];
    // After `ip link set eth0 up`: the kernel has put back the connected and local routes only.
    const afterUp = [before[1], before[2], before[5]];
    let dumps = 0;
    const { calls, handle } = recording((argv) =>
      argv.includes('-j') ? { stdout: JSON.stringify(dumps++ === 0 ? before : afterUp) } : {},
    );
    const link = await handle.injectFault('node-link-down', 'cluster01');
    expect(calls).toEqual([
      'docker exec cluster01 ip -j route show table all',
      'docker exec cluster01 ip link set eth0 down',
    ]);
    calls.length = 0;
    await link.restore();
    expect(calls).toEqual([
      'docker exec cluster01 ip link set eth0 up',
      'docker exec cluster01 ip -j route show table all',
      'docker exec cluster01 ip route replace default via 192.168.49.1 dev eth0',
      'docker exec cluster01 ip route replace 192.168.100.0/24 via 192.168.49.101 dev eth0',
      'docker exec cluster01 ip route replace 192.168.200.0/24 via 192.168.49.101 dev eth0',
    ]);
  });

  it('puts back connected routes before the gateway routes that need them, with their attributes', () => {
    const r = missingRouteArgv(
      [
        { dst: 'default', gateway: '10.0.0.1', dev: 'eth1', metric: 100 },
        { dst: '10.0.0.0/24', dev: 'eth1', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.5', table: '7' },
        { dst: '10.9.0.0/16', gateway: '10.0.0.1', dev: 'eth1', flags: ['onlink'] },
      ],
      [],
    );
    expect(r.map((a) => a.join(' '))).toEqual([
      'ip route replace 10.0.0.0/24 dev eth1 table 7 proto kernel scope link src 10.0.0.5',
      'ip route replace default via 10.0.0.1 dev eth1 metric 100',
      'ip route replace 10.9.0.0/16 via 10.0.0.1 dev eth1 onlink',
    ]);
    expect(
      missingRouteArgv(
        parseIpRoutes('[{"dst":"default","gateway":"10.0.0.1"}]'),
        parseIpRoutes('[{"dst":"default","gateway":"10.0.0.1"}]'),
      ),
    ).toEqual([]);
  });

  it('reports a container that is not running', async () => {
    const { handle } = recording((argv) => ({ stdout: argv.includes('clab-anycast-leaf3') ? 'false\n' : 'true\n' }));
    expect(await handle.health()).toBe('leaf3: container clab-anycast-leaf3 is not running');
  });

  it('refuses a fault on a node that is not a Kubernetes node', async () => {
    const { handle } = recording();
    await expect(handle.injectFault('silent-drop', 'spine')).rejects.toThrow(/"spine" is not one/);
  });
});

describe('tool versions in preflight', () => {
  it("reads containerlab's version line", () => {
    expect(parseContainerlabVersion('  ____ banner\n    version: 0.79.0\n     commit: abc\n')).toBe('0.79.0');
    expect(parseContainerlabVersion('containerlab 0.48.6')).toBe('0.48.6');
  });
  it('compares versions numerically', () => {
    expect(versionAtLeast('v1.38.1', '1.33.0')).toBe(true);
    expect(versionAtLeast('0.68.0', '0.69.0')).toBe(false);
    expect(versionAtLeast('v3.21.4+g1234', '3.8.0')).toBe(true);
    expect(versionAtLeast('28.0.4', '27.0.0')).toBe(true);
  });
});

describe('the probe sidecar', () => {
  it("runs the probe in a Node.js container sharing the client container's network namespace", async () => {
    const { sidecarSpec } = await import('../../helpers/providers/containerlab/probe-sidecar.js');
    const { PROBE_SCRIPT } = await import('../../helpers/traffic/probe.js');
    expect(sidecarSpec('clab-anycast-client', PROBE_SCRIPT, ['--target', '172.30.0.10:80'])).toEqual({
      image: 'node:22-alpine',
      networkMode: 'container:clab-anycast-client',
      copy: [
        { source: PROBE_SCRIPT, target: '/anycast-verify/traffic/probe.mjs' },
        { source: join(dirname(PROBE_SCRIPT), 'client-ports.mjs'), target: '/anycast-verify/traffic/client-ports.mjs' },
        { source: join(dirname(PROBE_SCRIPT), 'http-reply.mjs'), target: '/anycast-verify/traffic/http-reply.mjs' },
        {
          source: join(dirname(PROBE_SCRIPT), '../readers/echo-reply.mjs'),
          target: '/anycast-verify/readers/echo-reply.mjs',
        },
        {
          source: join(dirname(PROBE_SCRIPT), '../os/epoch-clock.mjs'),
          target: '/anycast-verify/os/epoch-clock.mjs',
        },
      ],
      command: ['node', '/anycast-verify/traffic/probe.mjs', '--target', '172.30.0.10:80'],
    });
  });

  it('copies every file each client script imports (and what those import), where the import finds it, and nothing that does not exist', async () => {
    const { sidecarSpec } = await import('../../helpers/providers/containerlab/probe-sidecar.js');
    const { PROBE_SCRIPT } = await import('../../helpers/traffic/probe.js');
    const { HELD_SCRIPT } = await import('../../helpers/traffic/held-connections.js');
    for (const script of [PROBE_SCRIPT, HELD_SCRIPT]) {
      const copied = sidecarSpec('c', script, []).copy;
      const targetOf = new Map(copied.map((c) => [resolve(c.source), c.target]));
      // Every relative import, followed through the imported files: each must land where the importer looks.
      const todo = [script];
      for (let file = todo.pop(); file; file = todo.pop()) {
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
          const source = resolve(dirname(file), spec!);
          expect(targetOf.get(source), `${file} imports ${spec}`).toBe(
            posix.join(posix.dirname(targetOf.get(file)!), spec!),
          );
          todo.push(source);
        }
      }
      expect(copied.length, script).toBeGreaterThan(1);
      for (const c of copied) expect(existsSync(c.source), c.source).toBe(true);
    }
  });

  it("is for the probe only: observers run in the node's own container, stoppable by their in-container PID", () => {
    const argv = containerProcessArgv('clab-anycast-spine', ['ip', '-ts', 'monitor', 'route']);
    expect(argv.slice(0, 3)).toEqual(['docker', 'exec', 'clab-anycast-spine']);
    // sh prints its PID, then execs the bounded command under that PID, so stop() can kill exactly it.
    expect(argv.slice(3)).toEqual([
      'sh',
      '-c',
      `echo $$; exec timeout ${CONTAINER_PROCESS_MAX_SECONDS} "$@"`,
      'sh',
      'ip',
      '-ts',
      'monitor',
      'route',
    ]);
  });
});
