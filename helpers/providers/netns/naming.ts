/** Names of the things the netns lab creates on the host, all derived from the lab name. */
export function nsName(lab: string, node: string): string {
  return `av-${lab}-${node}`;
}

/** FRR pathspace (-N) of a router: its sockets live in /var/run/frr/<pathspace>/. */
export function frrPathspace(lab: string, router: string): string {
  return `av-${lab}-${router}`;
}

/**
 * A command for a router's namespace, with the router's FRR pathspace added where an FRR tool
 * needs it to find that router's daemons: `vtysh` gets `-N <pathspace>` (as `docker exec <router>
 * vtysh` reaches the router's FRR on containerlab), and frrinit.sh / watchfrr.sh with only an
 * action get the pathspace as their second argument. A command that names a pathspace already,
 * or any other command, is left as it is.
 */
export function withFrrPathspace(lab: string, router: string, argv: readonly string[]): string[] {
  const [cmd, ...rest] = argv;
  const tool = cmd?.split('/').at(-1);
  if (tool === 'vtysh') {
    const named = rest.some(
      (a) => a === '-N' || a.startsWith('-N') || a === '--pathspace' || a.startsWith('--pathspace='),
    );
    return named ? [...argv] : [cmd!, '-N', frrPathspace(lab, router), ...rest];
  }
  if ((tool === 'frrinit.sh' || tool === 'watchfrr.sh') && rest.length === 1)
    return [cmd!, rest[0]!, frrPathspace(lab, router)];
  return [...argv];
}

/** The bridge device inside a bridge node's namespace. */
export const BRIDGE_DEVICE = 'br0';

/** GoBGP's gRPC API inside a node namespace (each namespace has its own loopback). */
export const GOBGP_API = '127.0.0.1:50051';

/** Name of the bridge-side end of a link, unique in the bridge namespace and at most 15 characters. */
export function bridgePortName(node: string, iface: string): string {
  const n = `${node}-${iface}`;
  return n.length <= 15 ? n : `p${hash(n).slice(0, 14)}`;
}

function hash(s: string): string {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0') + (h ^ 0x5bd1e995).toString(16).padStart(8, '0');
}
