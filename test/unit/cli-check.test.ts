/**
 * `anycast-verify check` on input that used to crash the loader (exit 1, no file named):
 * each must now exit 2, the exit code of a LabConfigError, naming the file, field and line.
 * The model rejects these before `check` reaches any tool, so nothing is run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../helpers/cli/main.js';
import { labCopy, type LabCopy } from '../support/lab-copy.js';

const POOL = 'fixtures/cilium/lb-ip-pool.yaml';

async function check(c: LabCopy): Promise<{ code: unknown; stderr: string }> {
  // No runtime: should a mutation ever pass the model, `check` must not run vtysh from a built one.
  vi.stubEnv('ANYCAST_VERIFY_RUNTIMES', `${c.root}/no-runtimes`);
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  await main(['node', 'anycast-verify', '-C', c.root, 'check']);
  const code = process.exitCode;
  process.exitCode = undefined;
  return { code, stderr };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('check exits 2 with file, field and line', () => {
  it.each([
    [
      'a pool stop address with an octet above 255',
      'stop: 172.30.0.20',
      'stop: 172.30.0.256',
      /lb-ip-pool\.yaml:\d+: spec\.blocks\[0\]\.stop: "172\.30\.0\.256" is not an IPv4 address/,
    ],
    [
      'a pool start address with a letter O',
      'start: 172.30.0.10',
      'start: 172.30.0.1O',
      /lb-ip-pool\.yaml:\d+: spec\.blocks\[0\]\.start: "172\.30\.0\.1O" is not an IPv4 address/,
    ],
    [
      'a /33 pool cidr',
      /- start: 172\.30\.0\.10\n\s+stop: 172\.30\.0\.20/,
      '- cidr: 172.30.0.0/33',
      /lb-ip-pool\.yaml:\d+: spec\.blocks\[0\]\.cidr: "172\.30\.0\.0\/33" is not an IPv4 CIDR/,
    ],
  ] as const)('%s', async (_name, from, to, want) => {
    const c = labCopy();
    c.edit(POOL, from, to);
    const r = await check(c);
    expect(r.stderr).toMatch(want);
    expect(r.stderr).not.toMatch(/ipaddr:/);
    expect(r.code).toBe(2);
  });

  it('a YAML alias bomb', async () => {
    const c = labCopy();
    const laughs = [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ];
    c.write(
      'fixtures/workloads/laughs.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: laughs\ndata:\n${laughs.map((l) => `  ${l}`).join('\n')}\n`,
    );
    const r = await check(c);
    expect(r.stderr).toMatch(
      /fixtures\/workloads\/laughs\.yaml:\d+: data\.\w\[0\]: YAML aliases expand beyond the limit/,
    );
    expect(r.code).toBe(2);
  });
});
