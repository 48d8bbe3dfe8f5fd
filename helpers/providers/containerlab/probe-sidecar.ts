/**
 * The failover probe on the real lab: a Node.js container that shares a client container's
 * network namespace (testcontainers, network mode container:<client>), so the probe's
 * connections leave from the client's address exactly as in the netns lab. This also works
 * where the host cannot enter a container's namespace (Docker Desktop).
 */
import { basename, dirname, join, posix } from 'node:path';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { SpawnedProcess } from '../api/lab-handle.js';

/** Node.js image for the probe sidecar (the probe is plain JavaScript with no dependencies). */
export const PROBE_IMAGE = 'node:22-alpine';

export interface SidecarSpec {
  image: string;
  networkMode: string;
  copy: { source: string; target: string }[];
  command: string[];
}

/** The folder the script and what it imports land in, inside the sidecar. */
const SIDECAR_DIR = '/anycast-verify';

/**
 * What a client script imports, relative to the script (helpers/traffic/), copied with it.
 * The sidecar keeps the layout of helpers/ (the script in traffic/, the echo-reply parser in
 * readers/), so the script's own `../readers/…` import resolves there as in the checkout.
 */
export const CLIENT_SCRIPT_IMPORTS = [
  'client-ports.mjs',
  'http-reply.mjs',
  '../readers/echo-reply.mjs',
  '../os/epoch-clock.mjs',
];

/**
 * What the sidecar is: the client script (probe.mjs, flows.mjs, held-connections.mjs) and its imports
 * copied into one folder of a Node.js container inside the client's network namespace.
 */
export function sidecarSpec(clientContainer: string, scriptPath: string, args: string[]): SidecarSpec {
  const script = posix.join(SIDECAR_DIR, basename(dirname(scriptPath)), basename(scriptPath));
  const copy = CLIENT_SCRIPT_IMPORTS.map((f) => {
    const target = posix.join(posix.dirname(script), f);
    if (!target.startsWith(`${SIDECAR_DIR}/`)) throw new Error(`${f}: a client script's import must stay in helpers/`);
    return { source: join(dirname(scriptPath), f), target };
  });
  return {
    image: PROBE_IMAGE,
    networkMode: `container:${clientContainer}`,
    copy: [{ source: scriptPath, target: script }, ...copy],
    command: ['node', script, ...args],
  };
}

export function spawnSidecar(clientContainer: string, scriptPath: string, args: string[]): SpawnedProcess {
  const spec = sidecarSpec(clientContainer, scriptPath, args);
  let stdout = '';
  let stderr = '';
  let started: StartedTestContainer | undefined;
  let stopRequested = false;
  const done = (async () => {
    started = await new GenericContainer(spec.image)
      .withNetworkMode(spec.networkMode)
      .withCopyFilesToContainer(spec.copy)
      .withCommand(spec.command)
      .start();
    const logs = await started.logs();
    logs.on('data', (d: Buffer | string) => (stdout += d.toString()));
    logs.on('err', (d: Buffer | string) => (stderr += d.toString()));
    if (stopRequested) await started.stop({ timeout: 5_000 });
    await new Promise<void>((resolve) => logs.on('end', () => resolve()));
    return { stdout, stderr, exitCode: 0 };
  })().catch((err: Error) => ({ stdout, stderr: `${stderr}${err.message}`, exitCode: 1 }));
  return {
    done,
    output: () => stdout,
    errorOutput: () => stderr,
    stop: () => {
      stopRequested = true;
      // SIGTERM lets the probe flush its last records before the container goes.
      void started?.stop({ timeout: 5_000 });
    },
  };
}
