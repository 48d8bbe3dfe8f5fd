/**
 * The programs the netns provider runs from the host, and the Debian package of each: all it
 * needs to build namespaces and enter them. FRR, GoBGP, nft, tcpdump, curl, ss and sysctl run
 * from the runtime (helpers/runtimes/in-runtime.ts). Preflight checks exactly this list, and a
 * lifecycle test brings a lab up with PATH reduced to it (plus Node.js), so a new call to a
 * host program that is not here fails in CI, not on a user's fresh host.
 */
export const HOST_TOOLS = [
  { cmd: 'ip', pkg: 'iproute2' },
  { cmd: 'unshare', pkg: 'util-linux' },
  { cmd: 'mount', pkg: 'mount' },
  { cmd: 'chroot', pkg: 'coreutils' },
  { cmd: 'mkdir', pkg: 'coreutils' },
  { cmd: 'uname', pkg: 'coreutils' },
  // Starts the emulated fabric and its stamping instruments at their priority (processes.ts FABRIC_NICE).
  { cmd: 'nice', pkg: 'coreutils' },
  { cmd: 'hostname', pkg: 'hostname' },
  { cmd: 'sh', pkg: 'dash' },
] as const;
