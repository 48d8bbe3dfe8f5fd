/** One HTTP request from inside a client node (curl), returning the parsed echo reply. */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { parseEchoReply, type EchoReply } from './echo-reply.js';

export interface ProbeResult {
  ok: boolean;
  reply?: EchoReply;
  /** curl's exit code and error when the request failed. */
  error?: string;
  /** Source port the client used, when pinned. */
  sourcePort?: number;
}

export async function httpGet(
  lab: LabHandle,
  client: string,
  vip: string,
  opts: { port?: number; sourcePort?: number; timeoutSeconds?: number } = {},
): Promise<ProbeResult> {
  const url = `http://${vip}:${opts.port ?? 80}/`;
  const argv = [
    'curl',
    '-sS',
    '--max-time',
    String(opts.timeoutSeconds ?? 2),
    ...(opts.sourcePort ? ['--local-port', String(opts.sourcePort)] : []),
    url,
  ];
  const r = await lab.exec(client, argv, { reject: false, timeoutMs: ((opts.timeoutSeconds ?? 2) + 3) * 1000 });
  if (r.exitCode !== 0)
    return { ok: false, error: `curl exit ${r.exitCode}: ${r.stderr.trim()}`, sourcePort: opts.sourcePort };
  return { ok: true, reply: parseEchoReply(r.stdout), sourcePort: opts.sourcePort };
}
