/**
 * `anycast-verify exec <router> -- vtysh …` on the netns lab reaches that router's FRR, as
 * `docker exec <router> vtysh …` does on containerlab: the host argv carries the router's
 * pathspace (-N av-<lab>-<router>), and nothing else is changed. And `test`'s plumbing: vitest
 * from this package, the lab and the reports from the -C folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { netnsHarnessArgv, netnsNodeArgv } from '../../helpers/providers/netns/netns-provider.js';
import { frrPathspace, withFrrPathspace } from '../../helpers/providers/netns/naming.js';
import { PACKAGE_ROOT, suitesEnv, vitestBin } from '../../helpers/cli/commands/test.js';
import { requestedFiles } from '../../helpers/lab/lab-source.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const RT = '/rt/trixie/root';
/** The command inRuntime ends the host argv with (after chroot's script and its 3 arguments). */
const inside = (argv: string[]) => argv.slice(argv.indexOf('av-runtime') + 4);

describe('exec on a netns router: vtysh gets the pathspace', () => {
  it("vtysh -c on a router: -N names that router's pathspace, in that router's namespace", () => {
    const argv = netnsNodeArgv(model, RT, 'leaf1', ['vtysh', '-c', 'show bgp summary']);
    expect(argv.slice(0, 4)).toEqual(['ip', 'netns', 'exec', 'av-anycast-leaf1']);
    expect(inside(argv)).toEqual(['vtysh', '-N', 'av-anycast-leaf1', '-c', 'show bgp summary']);
    expect(frrPathspace('anycast', 'leaf1')).toBe('av-anycast-leaf1');
  });

  it('each router its own pathspace; a lab copy under another name its own', () => {
    expect(inside(netnsNodeArgv(model, RT, 'spine', ['vtysh']))).toEqual(['vtysh', '-N', 'av-anycast-spine']);
    expect(withFrrPathspace('cli', 'leaf2', ['/usr/bin/vtysh', '-c', 'show ip route'])).toEqual([
      '/usr/bin/vtysh',
      '-N',
      'av-cli-leaf2',
      '-c',
      'show ip route',
    ]);
  });

  it.each([
    [['vtysh', '-N', 'other', '-c', 'x']],
    [['vtysh', '-Nother', '-c', 'x']],
    [['vtysh', '--pathspace', 'other']],
    [['vtysh', '--pathspace=other']],
  ])('a pathspace the user named is kept: %j', (argv) => {
    expect(withFrrPathspace('anycast', 'leaf1', argv)).toEqual(argv);
  });

  it('frrinit.sh with only an action gets the pathspace as its second argument', () => {
    expect(withFrrPathspace('anycast', 'leaf1', ['/usr/lib/frr/frrinit.sh', 'status'])).toEqual([
      '/usr/lib/frr/frrinit.sh',
      'status',
      'av-anycast-leaf1',
    ]);
  });

  it('other commands, and vtysh on a node that is not a router, are left as they are', () => {
    expect(inside(netnsNodeArgv(model, RT, 'leaf1', ['ip', 'route']))).toEqual(['ip', 'route']);
    expect(inside(netnsNodeArgv(model, RT, 'leaf1', ['sh', '-c', 'vtysh -c x']))).toEqual(['sh', '-c', 'vtysh -c x']);
    const k8s = Object.keys(model.k8sNodes)[0]!;
    expect(inside(netnsNodeArgv(model, RT, k8s, ['vtysh']))).toEqual(['vtysh']);
    expect(inside(netnsNodeArgv(model, RT, 'client', ['vtysh', '-c', 'x']))).toEqual(['vtysh', '-c', 'x']);
  });

  it("the harness's iproute2 calls use the host's `ip -n` (no runtime wrapper); the CLI's exec keeps the node's own", () => {
    expect(netnsHarnessArgv(model, RT, 'leaf1', ['ip', '-j', 'route', 'show'])).toEqual([
      'ip',
      '-n',
      'av-anycast-leaf1',
      '-j',
      'route',
      'show',
    ]);
    expect(netnsHarnessArgv(model, RT, 'leaf1', ['vtysh', '-c', 'x'])).toEqual(
      netnsNodeArgv(model, RT, 'leaf1', ['vtysh', '-c', 'x']),
    );
    expect(inside(netnsNodeArgv(model, RT, 'leaf1', ['ip', 'route']))).toEqual(['ip', 'route']);
  });

  it("the host's Node.js programs are not touched", () => {
    expect(netnsNodeArgv(model, RT, 'leaf1', [process.execPath, 'probe.mjs'])).toEqual([
      'ip',
      'netns',
      'exec',
      'av-anycast-leaf1',
      process.execPath,
      'probe.mjs',
    ]);
  });
});

describe('test: the suites from this package on the -C folder', () => {
  it('vitest and the suites are found in this package', () => {
    expect(existsSync(join(PACKAGE_ROOT, 'vitest.config.ts'))).toBe(true);
    expect(existsSync(join(PACKAGE_ROOT, 'suites', '0-smoke.test.ts'))).toBe(true);
    expect(existsSync(vitestBin())).toBe(true);
  });

  it('a package without vitest: a not-ready error that says how to get it', () => {
    expect(() => vitestBin('/nonexistent')).toThrow(/run `npm ci` in \/nonexistent/);
  });

  it('the lab folder, the reports, and only the provider and runtime asked for', () => {
    expect(suitesEnv({ dir: '/labs/a', reports: '/labs/a/reports' })).toEqual({
      ANYCAST_VERIFY_DIR: '/labs/a',
      ANYCAST_VERIFY_REPORTS: '/labs/a/reports',
    });
    expect(suitesEnv({ dir: '/l', reports: '/r', provider: 'containerlab', runtime: 'sid' })).toMatchObject({
      ANYCAST_VERIFY_PROVIDER: 'containerlab',
      ANYCAST_VERIFY_RUNTIME: 'sid',
    });
    // 0 is an answer (scenarios one after another), not "unset".
    expect(suitesEnv({ dir: '/l', reports: '/r', scenarioLabs: 0 })).toMatchObject({
      ANYCAST_VERIFY_SCENARIO_LABS: '0',
    });
  });

  it("--topology and --fixtures reach the suites' global setup as the files it loads", () => {
    const env = suitesEnv({ dir: '/labs/a', reports: '/r', topology: 'lab/other.clab.yml', fixtures: 'fx' });
    expect(requestedFiles('/package', env)).toEqual({
      root: '/labs/a',
      topologyFile: 'lab/other.clab.yml',
      fixturesDir: 'fx',
    });
    expect(requestedFiles('/package', suitesEnv({ dir: '/labs/a', reports: '/r' }))).toEqual({
      root: '/labs/a',
      topologyFile: undefined,
      fixturesDir: undefined,
    });
  });
});
