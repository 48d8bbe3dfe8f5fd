#!/usr/bin/env node
// How contended the host was while a command ran: reads the kernel's pressure stall information
// (/proc/pressure/{cpu,io,memory}, "some" = time at least one runnable task waited) every 100 ms
// and times a 5 ms timer's lateness, then prints how many 100 ms windows were CPU-contended, how
// often and how late the timer fired, and where io and memory pressure were. Host-wide, like
// cpu-by-process.mjs: run it on an otherwise idle host. Usage:
//   node scripts/host-pressure.mjs [--threshold-ms 80] [--log out.txt] -- <command> [args…]
// e.g. node scripts/host-pressure.mjs -- npx vitest run --project lab
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { someWaitedUs } from '../helpers/os/pressure-stall.mjs';

const split = process.argv.indexOf('--');
const { values } = parseArgs({
  args: process.argv.slice(2, split < 0 ? undefined : split),
  options: { 'threshold-ms': { type: 'string', default: '80' }, log: { type: 'string' }, help: { type: 'boolean' } },
});
const command = split < 0 ? [] : process.argv.slice(split + 1);
if (values.help || !command.length) {
  process.stderr.write(
    'usage: node scripts/host-pressure.mjs [--threshold-ms 80] [--log out.txt] -- <command> [args…]\n',
  );
  process.exit(values.help ? 0 : 2);
}
if (!existsSync('/proc/pressure/cpu')) {
  process.stderr.write('host-pressure: /proc/pressure is absent (a kernel without CONFIG_PSI, or booted with psi=0)\n');
  process.exit(2);
}
const threshold = Number(values['threshold-ms']);
const KINDS = ['cpu', 'io', 'memory'];
/** Microseconds some task waited, per kind, since boot. */
const stalls = () => Object.fromEntries(KINDS.map((k) => [k, someWaitedUs(`/proc/pressure/${k}`)]));

const TICK_MS = 5;
const WINDOW_MS = 100;
const seen = { windows: 0, contended: 0, late: 0, latest: 0, io: 0, memory: 0 };
let prev = stalls();
let windowStart = performance.now();
let lastTick = performance.now();
const log = (line) => values.log && appendFileSync(values.log, `${Date.now()} ${line}\n`);
const timer = setInterval(() => {
  const now = performance.now();
  const late = now - lastTick - TICK_MS;
  lastTick = now;
  if (late > 20) {
    seen.late++;
    seen.latest = Math.max(seen.latest, late);
    log(`timer ${late.toFixed(0)} ms late`);
  }
  if (now - windowStart < WINDOW_MS) return;
  const cur = stalls();
  const ms = Object.fromEntries(KINDS.map((k) => [k, (cur[k] - prev[k]) / 1000]));
  seen.windows++;
  if (ms.cpu >= threshold) seen.contended++;
  seen.io += ms.io;
  seen.memory += ms.memory;
  if (ms.cpu >= threshold || ms.io > 10 || ms.memory > 10)
    log(
      `window ${(now - windowStart).toFixed(0)} ms: cpu ${ms.cpu.toFixed(0)} io ${ms.io.toFixed(0)} memory ${ms.memory.toFixed(0)} ms`,
    );
  prev = cur;
  windowStart = now;
}, TICK_MS);

const started = performance.now();
const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  clearInterval(timer);
  const wall = (performance.now() - started) / 1000;
  const pct = seen.windows ? Math.round((100 * seen.contended) / seen.windows) : 0;
  process.stderr.write(
    `${command.join(' ')}: ${wall.toFixed(1)} s wall; ${seen.contended} of ${seen.windows} ${WINDOW_MS} ms windows ` +
      `had tasks waiting for a CPU >= ${threshold} ms (${pct} %); a ${TICK_MS} ms timer fired > 20 ms late ` +
      `${seen.late} times, at most ${seen.latest.toFixed(0)} ms; io pressure ${seen.io.toFixed(0)} ms, ` +
      `memory ${seen.memory.toFixed(0)} ms in all\n`,
  );
  process.exit(code ?? (signal ? 1 : 0));
});
