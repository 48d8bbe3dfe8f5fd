/**
 * Reads the `exec` lines of hosts (clients) and Kubernetes nodes in the topology. In the
 * real lab containerlab runs them inside the container; the netns provider must apply the
 * same effect, so it accepts only the `ip` commands whose effect it can reproduce exactly.
 */
export interface HostAddress {
  cidr: string;
  dev: string;
}

export interface HostRoute {
  /** `default` or a prefix in CIDR form. */
  prefix: string;
  via: string;
  dev?: string;
}

/** The `ip` arguments that (re)install a route from an exec line: bring-up and a link fault's restore use the same. */
export function routeReplaceArgs(r: HostRoute): string[] {
  return ['route', 'replace', r.prefix, 'via', r.via, ...(r.dev ? ['dev', r.dev] : [])];
}

export type ExecEffect = { type: 'address'; address: HostAddress } | { type: 'route'; route: HostRoute };

/** Parses one exec line, or returns an error message saying why the netns provider cannot apply it. */
export function parseExecLine(line: string): ExecEffect | { error: string } {
  const w = line.trim().split(/\s+/);
  if (w[0] !== 'ip')
    return { error: 'only `ip addr add` and `ip route add|replace` exec lines are emulated by the netns provider' };
  const obj = w[1];
  const verb = w[2];
  const args = w.slice(3);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if ((obj === 'addr' || obj === 'address' || obj === 'a') && (verb === 'add' || verb === 'replace')) {
    const cidr = args[0];
    const dev = opt('dev');
    if (!cidr || !cidr.includes('/') || !dev || args.length !== 3)
      return { error: 'expected `ip addr add <address>/<prefix-length> dev <interface>`' };
    return { type: 'address', address: { cidr, dev } };
  }
  if ((obj === 'route' || obj === 'r') && (verb === 'add' || verb === 'replace')) {
    const prefix = args[0];
    const via = opt('via');
    const dev = opt('dev');
    const known = new Set(['via', 'dev']);
    for (let i = 1; i < args.length; i += 2)
      if (!known.has(args[i]!)) return { error: `route option "${args[i]}" is not emulated (only via and dev)` };
    if (!prefix || !via)
      return { error: 'expected `ip route add|replace <prefix>|default via <gateway> [dev <interface>]`' };
    return { type: 'route', route: { prefix, via, dev } };
  }
  return { error: `"ip ${obj ?? ''} ${verb ?? ''}" is not emulated by the netns provider` };
}
