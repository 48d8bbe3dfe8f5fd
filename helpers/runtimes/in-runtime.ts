/**
 * The argv that runs a program from a runtime inside a lab node: `ip netns exec <ns>` (the
 * node's network namespace, and a private mount namespace that `ip netns exec` makes and
 * marks slave), then /proc and the lab's run folder mounted into the runtime, then chroot.
 * The mounts live in that private mount namespace only: they vanish with the last process
 * in it and are never seen by the host, so nothing is left to unmount.
 *
 * The run folder appears at the same path inside and outside, so config files, logs and
 * pid files have one name for the host and for the daemon.
 */
import { runRoot } from '../os/run-state.js';

/** Debian's default PATH for root, where the runtime's packages install their programs. */
export const RUNTIME_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `argv` run with the runtime's PATH, for a command chrooted into the runtime. */
export const runtimeEnv = (argv: readonly string[]): string[] => ['/usr/bin/env', `PATH=${RUNTIME_PATH}`, ...argv];

/**
 * The argv that runs `argv` chrooted into the runtime. chroot needs CAP_SYS_CHROOT: root has
 * it; a normal user gets it inside a user namespace of its own where it is mapped to root
 * (`unshare --user --map-root-user`, user_namespaces(7)), which changes nothing on the host.
 */
export function chrootArgv(runtimeRoot: string, argv: readonly string[], uid = process.getuid?.() ?? 0): string[] {
  const chroot = ['chroot', runtimeRoot, ...runtimeEnv(argv)];
  return uid === 0 ? chroot : ['unshare', '--user', '--map-root-user', ...chroot];
}

const SCRIPT = [
  'root=$1; run=$2; host=$3; shift 3',
  'mount -t proc proc "$root/proc" || exit 126',
  // The mount point stays in the runtime's tree once made: mkdir only the first time.
  '{ [ -d "$root$run" ] || mkdir -p "$root$run"; } && mount --bind "$run" "$root$run" || exit 126',
  // A UTS namespace of its own when a hostname is asked for (GoBGP sends it in its FQDN capability).
  '[ -z "$host" ] || hostname "$host" || exit 126',
  // The runtime's own PATH: what the host's PATH holds says nothing about the runtime's tree.
  // chroot(1) looks the command up in it inside the new root (execvp), as env(1) did, one exec fewer.
  `export PATH=${RUNTIME_PATH}`,
  'exec chroot "$root" "$@"',
].join('\n');

export interface InRuntimeOptions {
  /** Runs in its own UTS namespace with this hostname. */
  hostname?: string;
}

/** argv to run `argv` from the runtime at `root` in namespace `ns`. */
export function inRuntime(ns: string, root: string, argv: readonly string[], opts: InRuntimeOptions = {}): string[] {
  const uts = opts.hostname ? ['unshare', '--uts', '--'] : [];
  return [
    'ip',
    'netns',
    'exec',
    ns,
    ...uts,
    'sh',
    '-c',
    SCRIPT,
    'av-runtime',
    root,
    runRoot(),
    opts.hostname ?? '',
    ...argv,
  ];
}
