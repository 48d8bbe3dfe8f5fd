/**
 * Runs one router's FRR inside its namespace: the daemons its `daemons` file enables,
 * each isolated by FRR's pathspace option (-N), so sockets and pid files live in
 * /var/run/frr/<pathspace>/ and `vtysh -N <pathspace>` reaches exactly this router.
 * Every daemon reads the same integrated frr.conf (a copy in the run folder, readable by
 * the frr user), as the official FRR image does.
 */
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouterModel } from '../../model/lab-model.js';
import { run } from '../../runtime/command.js';
import type { ProcessRecord } from '../../runtime/run-state.js';
import { frrPathspace, nsName } from './naming.js';
import { recordFromPidFile } from './processes.js';

export const FRR_LIBEXEC = process.env.ANYCAST_VERIFY_FRR_LIBEXEC ?? '/usr/lib/frr';

export interface FrrRouterPaths {
  /** /var/run/frr/<pathspace> */
  runtime: string;
  /** /etc/frr/<pathspace> (vtysh reads its vtysh.conf there) */
  etc: string;
}

export function frrPaths(lab: string, router: string): FrrRouterPaths {
  const ps = frrPathspace(lab, router);
  return { runtime: join('/var/run/frr', ps), etc: join('/etc/frr', ps) };
}

function frrIds(): { uid: number; gid: number } {
  // The frr user from the frr package; daemons drop privileges to it.
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('frr:'));
  if (!line) throw new Error('no "frr" user on this host: install the frr package');
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Starts the router's daemons; returns their process records (zebra first). */
export async function startFrrRouter(lab: string, router: RouterModel, workDir: string): Promise<ProcessRecord[]> {
  const ns = nsName(lab, router.name);
  const ps = frrPathspace(lab, router.name);
  const paths = frrPaths(lab, router.name);
  const ids = frrIds();
  const dir = join(workDir, router.name);
  mkdirSync(dir, { recursive: true });
  mkdirSync(paths.runtime, { recursive: true });
  mkdirSync(paths.etc, { recursive: true });
  for (const d of [dir, paths.runtime]) chownSync(d, ids.uid, ids.gid);
  const conf = join(dir, 'frr.conf');
  copyFileSync(router.frrConfPath, conf);
  chownSync(conf, ids.uid, ids.gid);
  // vtysh warns without a vtysh.conf in the pathspace's /etc folder.
  if (router.vtyshConfPath && existsSync(router.vtyshConfPath)) copyFileSync(router.vtyshConfPath, join(paths.etc, 'vtysh.conf'));
  else writeFileSync(join(paths.etc, 'vtysh.conf'), '');
  copyFileSync(conf, join(paths.etc, 'frr.conf'));

  const records: ProcessRecord[] = [];
  const start = async (daemon: string) => {
    const log = join(dir, `${daemon}.log`);
    const pidFile = join(paths.runtime, `${daemon}.pid`);
    const opts = router.daemons.options[daemon] ?? [];
    // -d: daemonize (returns once the daemon is initialised); -P 0: no TCP vty, vtysh uses the unix socket.
    await run(['ip', 'netns', 'exec', ns, join(FRR_LIBEXEC, daemon), '-d', '-N', ps, '-f', conf, '-i', pidFile, '--log', `file:${log}`, '-P', '0', ...opts.filter((o, i, a) => o !== '-P' && a[i - 1] !== '-P')], { timeoutMs: 15_000 });
    const rec = recordFromPidFile(pidFile, router.name, `frr ${daemon}`, log);
    if (!rec) throw new Error(`${router.name}: ${daemon} started but wrote no pid file ${pidFile}; see ${log}`);
    records.push(rec);
  };
  // zebra first: the other daemons connect to it.
  await start('zebra');
  await Promise.all(router.daemons.enabled.filter((d) => d !== 'zebra').map(start));
  return records;
}

/** Runs vtysh against one router of the netns lab. */
export function netnsVtysh(lab: string, router: string, command: string) {
  return run(['ip', 'netns', 'exec', nsName(lab, router), 'vtysh', '-N', frrPathspace(lab, router), '-c', command], { timeoutMs: 15_000 });
}
