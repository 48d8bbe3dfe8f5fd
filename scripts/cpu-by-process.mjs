#!/usr/bin/env node
// Where a command's CPU goes, host-wide: runs the command, reads every process's CPU time
// (/proc/<pid>/stat utime + stime) once a second while it runs, and prints the host's busy
// core-seconds (/proc/stat) with the processes that spent them, grouped by program (a Node.js
// process by its script). A process that starts and ends between two readings is not seen by
// name: what the host spent beyond the named processes is printed as "short-lived processes
// and the kernel" (the harness's commands, the kernel's packet work); the CPU of the command's
// whole reaped tree (/proc/self/stat cutime + cstime) is printed too. Everything on the host is
// counted, not only the command's: run it on an otherwise idle host. Usage:
//   node scripts/cpu-by-process.mjs [--top 15] [--json out.json] -- <command> [args…]
// e.g. node scripts/cpu-by-process.mjs -- npx vitest run --project lab
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { busyCoreSeconds, hostCpuTicks, USER_HZ } from '../helpers/os/host-cpu.mjs';
const split = process.argv.indexOf('--');
const { values } = parseArgs({
  args: process.argv.slice(2, split < 0 ? undefined : split),
  options: { top: { type: 'string', default: '15' }, json: { type: 'string' }, help: { type: 'boolean' } },
});
const command = split < 0 ? [] : process.argv.slice(split + 1);
if (values.help || !command.length) {
  process.stderr.write('usage: node scripts/cpu-by-process.mjs [--top 15] [--json out.json] -- <command> [args…]\n');
  process.exit(values.help ? 0 : 2);
}

/** This process's reaped children's CPU (cutime + cstime): the command's whole tree once it has exited. */
const reapedTicks = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]);
};

/** A process's program: its command name, or for node and tcpdump the script or first argument too. */
function program(pid, comm) {
  if (comm !== 'node' && !comm.startsWith('node ')) return comm;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = argv.slice(1).find((a) => !a.startsWith('-')) ?? '';
    return `node ${script.split('/').slice(-2).join('/')}`;
  } catch {
    return comm;
  }
}

const last = new Map(); // pid:starttime → ticks seen
// Clock ticks since boot at the start (/proc/uptime): a process started since counts from zero.
let startedAt = Infinity;
const byProgram = new Map();
function read() {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone
    }
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    const key = `${pid}:${f[19]}`;
    const ticks = Number(f[11]) + Number(f[12]);
    // A process first seen now counts from its start if it started during the command, else from
    // now: its earlier CPU is not the command's.
    const before = last.get(key) ?? (Number(f[19]) >= startedAt ? 0 : ticks);
    last.set(key, ticks);
    if (ticks === before) continue;
    const name = program(pid, stat.slice(stat.indexOf('(') + 1, close));
    byProgram.set(name, (byProgram.get(name) ?? 0) + ticks - before);
  }
}

read();
startedAt = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * USER_HZ;
const cpu0 = hostCpuTicks();
const reaped0 = reapedTicks();
const t0 = Date.now();
const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
const timer = setInterval(read, 1000);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  clearInterval(timer);
  read();
  const wall = (Date.now() - t0) / 1000;
  const busy = busyCoreSeconds(cpu0, hostCpuTicks());
  const rows = [...byProgram].map(([name, t]) => [name, t / USER_HZ]).sort((a, b) => b[1] - a[1]);
  const named = rows.reduce((s, [, v]) => s + v, 0);
  // Every descendant the command waited for, short-lived or not (daemons it left running are not).
  const tree = (reapedTicks() - reaped0) / USER_HZ;
  const out = [
    `\n${command.join(' ')}: ${wall.toFixed(1)} s wall, the host busy ${busy.toFixed(1)} core-s (${(busy / wall).toFixed(2)} cores on average)`,
    ...rows.slice(0, Number(values.top)).map(([name, v]) => `${v.toFixed(1).padStart(8)}  ${name}`),
    `${Math.max(0, busy - named)
      .toFixed(1)
      .padStart(8)}  short-lived processes and the kernel (not seen by name)`,
    `the command and the descendants it waited for: ${tree.toFixed(1)} core-s (the rest: processes it left running, others on the host, the kernel)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (values.json)
    writeFileSync(
      values.json,
      `${JSON.stringify({ command, wall, busyCoreSeconds: busy, reapedTreeCoreSeconds: tree, byProgram: rows }, null, 1)}\n`,
    );
  process.exit(code ?? (signal ? 1 : 0));
});
