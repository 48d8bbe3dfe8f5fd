/**
 * The ECMP hash policy of a running lab, read from and written to its routers: the reports
 * state what the routers run (a lab brought up with `up --hash-policy`, or changed by the
 * client-paths suite, may differ from the topology), and the suite changes it through here.
 */
import type { LabHandle } from '../providers/api/lab-handle.js';
import {
  describeHashing,
  HASH_FIELDS,
  HASH_POLICY,
  hashingOf,
  hashingSysctls,
  sameHashing,
  type FabricHashing,
} from '../model/hashing.js';

/** The policy every router runs; throws if they differ (prediction needs one policy fabric-wide). */
export async function readHashing(lab: LabHandle): Promise<FabricHashing> {
  const per = await Promise.all(
    Object.keys(lab.model.routers).map(async (r) => {
      const [policy, fields] = (await lab.exec(r, ['sysctl', '-n', HASH_POLICY, HASH_FIELDS])).stdout
        .trim()
        .split('\n');
      return { router: r, h: hashingOf({ [HASH_POLICY]: policy, [HASH_FIELDS]: fields }) };
    }),
  );
  const first = per[0];
  if (!first) return { policy: 0 };
  const odd = per.filter((p) => !sameHashing(p.h, first.h));
  if (odd.length)
    throw new Error(
      `the routers run different ECMP hash policies: ${per.map((p) => `${p.router} ${describeHashing(p.h)}`).join('; ')}`,
    );
  return first.h;
}

/** Sets `h` on every router. */
export async function setHashing(lab: LabHandle, h: FabricHashing): Promise<void> {
  const args = Object.entries(hashingSysctls(h)).map(([k, v]) => `${k}=${v}`);
  await Promise.all(Object.keys(lab.model.routers).map((r) => lab.exec(r, ['sysctl', '-q', '-w', ...args])));
}
