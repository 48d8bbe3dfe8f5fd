/**
 * The ECMP hash policy has one route: topology sysctls → model (or `up --hash-policy` → model)
 * → the provider applies the model's sysctls → the reports read it back from the routers.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { HASH_FIELDS, HASH_POLICY, hashingOf, hashingSysctls, parseHashing } from '../../helpers/model/hashing.js';
import { loadLabModel, withHashing } from '../../helpers/model/lab-model.js';
import { readHashing } from '../../helpers/readers/hash-policy.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { CLI } from '../support/host.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });

describe('the hash policy as data', () => {
  it('parses --hash-policy values, fields in hex or decimal', () => {
    expect(parseHashing('3:0x0037')).toEqual({ policy: 3, fields: 0x37 });
    expect(parseHashing('3:55')).toEqual({ policy: 3, fields: 0x37 });
    expect(parseHashing('0')).toEqual({ policy: 0, fields: undefined });
    expect(() => parseHashing('4')).toThrow('expected 0, 1, 2 or 3');
    expect(() => parseHashing('3:0xZZ')).toThrow('"0xZZ" is not a number');
  });

  it('writes the sysctls the kernel prints back, and reads them as the same policy', () => {
    const h = { policy: 3, fields: 0x37 };
    expect(hashingSysctls(h)).toEqual({ [HASH_POLICY]: '3', [HASH_FIELDS]: '0x0037' });
    expect(hashingOf(hashingSysctls(h))).toEqual(h);
    // The kernel prints the fields in decimal.
    expect(hashingOf({ [HASH_POLICY]: '3', [HASH_FIELDS]: '55' })).toEqual(h);
    // Fields mean nothing outside policy 3.
    expect(hashingOf({ [HASH_POLICY]: '0', [HASH_FIELDS]: '7' })).toEqual({ policy: 0, fields: undefined });
  });

  it("an override replaces every router's hash sysctls in the model, and leaves the others", () => {
    const m = withHashing(model, { policy: 0 });
    expect(m.hashing).toEqual({ policy: 0 });
    for (const r of Object.values(m.routers)) {
      expect(r.sysctls[HASH_POLICY]).toBe('0');
      expect(r.sysctls[HASH_FIELDS]).toBeUndefined();
      const others = Object.keys(model.routers[r.name]!.sysctls).filter((k) => k !== HASH_POLICY && k !== HASH_FIELDS);
      for (const k of others) expect(r.sysctls[k]).toBe(model.routers[r.name]!.sysctls[k]);
    }
    expect(model.hashing, 'the loaded model is not changed').toEqual({ policy: 3, fields: 0x37 });
  });
});

describe('the hash policy of a running lab', () => {
  const fakeLab = (per: Record<string, string>): LabHandle =>
    ({
      model,
      exec: async (node: string) => ({ stdout: per[node] ?? '3\n55\n', stderr: '', exitCode: 0 }),
    }) as unknown as LabHandle;

  it('is what the routers run', async () => {
    expect(await readHashing(fakeLab({}))).toEqual({ policy: 3, fields: 0x37 });
  });

  it('routers that disagree are named', async () => {
    await expect(readHashing(fakeLab({ leaf2: '0\n55\n' }))).rejects.toThrow(
      /different ECMP hash policies: .*leaf2 policy 0;/,
    );
  });
});

describe('up --hash-policy', () => {
  it('the real lab refuses an override of its topology, before anything starts', async () => {
    const r = await execa(process.execPath, [CLI, '--provider', 'containerlab', 'up', '--hash-policy', '0'], {
      cwd: PROJECT_ROOT,
      reject: false,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(
      `--hash-policy: the real lab applies the topology's sysctls (policy 3, fields 0x0037); set ${HASH_POLICY} there instead`,
    );
  });

  it('a bad value is rejected by the option parser', async () => {
    const r = await execa(process.execPath, [CLI, 'up', '--hash-policy', '7'], { cwd: PROJECT_ROOT, reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('expected 0, 1, 2 or 3');
  });
});
