/**
 * The fabric's ECMP hash policy, one owner for the fact: what the topology's sysctls say,
 * how `up --hash-policy` overrides it (on the model, so the provider applies exactly what the
 * model holds), how it is written as sysctls, and how it is read back from a running router
 * (what the reports state: measured, not assumed).
 */
export const HASH_POLICY = 'net.ipv4.fib_multipath_hash_policy';
export const HASH_FIELDS = 'net.ipv4.fib_multipath_hash_fields';

export interface FabricHashing {
  /** net.ipv4.fib_multipath_hash_policy on the routers (0 when unset, the kernel default). */
  policy: number;
  /** net.ipv4.fib_multipath_hash_fields, meaningful with policy 3. */
  fields?: number;
}

/** The sysctls that set `h` (fields as the kernel prints them, e.g. 0x0037). */
export function hashingSysctls(h: FabricHashing): Record<string, string> {
  return {
    [HASH_POLICY]: String(h.policy),
    ...(h.fields === undefined ? {} : { [HASH_FIELDS]: `0x${h.fields.toString(16).padStart(4, '0')}` }),
  };
}

/** The hashing a router's sysctls give (unset policy: the kernel default 0; fields count only under policy 3). */
export function hashingOf(sysctls: Record<string, string | undefined>): FabricHashing {
  const policy = Number(sysctls[HASH_POLICY] ?? '0');
  const f = sysctls[HASH_FIELDS];
  return { policy, fields: policy !== 3 || f === undefined || f === '' ? undefined : Number(f) };
}

export function sameHashing(a: FabricHashing, b: FabricHashing): boolean {
  return a.policy === b.policy && a.fields === b.fields;
}

export function describeHashing(h: FabricHashing): string {
  return `policy ${h.policy}${h.fields === undefined ? '' : `, fields ${hashingSysctls(h)[HASH_FIELDS]}`}`;
}

/** `--hash-policy 3:0x0037`: the policy, optionally with fields (meaningful for policy 3). Throws a message for the user. */
export function parseHashing(text: string): FabricHashing {
  const [p, f] = text.split(':');
  const policy = Number(p);
  if (![0, 1, 2, 3].includes(policy))
    throw new Error('expected 0, 1, 2 or 3, optionally with fields for 3 (e.g. 3:0x0037)');
  const fields = f === undefined ? undefined : Number(f);
  if (fields !== undefined && !(Number.isInteger(fields) && fields >= 0))
    throw new Error(`"${f}" is not a number (e.g. 0x0037)`);
  return { policy, fields };
}
