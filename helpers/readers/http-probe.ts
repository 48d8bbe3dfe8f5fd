/** One HTTP request from inside a client node (curl), returning the parsed echo reply. */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { parseEchoReply, type EchoReply } from './echo-reply.mjs';

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

/** After each transfer curl prints this line: the URL, its exit code and its error (curl ≥ 7.75). */
const MARK = '@@anycast-verify@@';

/**
 * One HTTP request to each `vip:port` from inside a client, all in one curl process (one
 * after the other, each on its own connection and within its own `--max-time`): K VIPs cost
 * one exec instead of K. Keyed by `vip:port`.
 */
export async function httpGetMany(
  lab: LabHandle,
  client: string,
  targets: { vip: string; port: number }[],
  opts: { timeoutSeconds?: number } = {},
): Promise<Map<string, ProbeResult>> {
  const timeout = opts.timeoutSeconds ?? 2;
  const argv = [
    'curl',
    '-sS',
    '--max-time',
    String(timeout),
    '-w',
    `\n${MARK} %{url} %{exitcode} %{errormsg}\n`,
    ...targets.map((t) => `http://${t.vip}:${t.port}/`),
  ];
  const r = await lab.exec(client, argv, { reject: false, timeoutMs: (targets.length * timeout + 10) * 1000 });
  return parseManyReplies(r.stdout, targets);
}

/** Splits curl's output for several URLs at the marks, one result per `vip:port` (a missing mark is an error). */
export function parseManyReplies(stdout: string, targets: { vip: string; port: number }[]): Map<string, ProbeResult> {
  const out = new Map<string, ProbeResult>();
  const parts = stdout.split(new RegExp(`\\n${MARK} (\\S+) (\\d+) ?(.*)\\n`));
  // parts: body, url, code, error, body, url, code, error, …, trailing
  for (let i = 0; i + 3 < parts.length; i += 4) {
    const [body, url, code, error] = parts.slice(i, i + 4) as [string, string, string, string];
    const m = /^http:\/\/([^/:]+):(\d+)\//.exec(url);
    if (!m) continue;
    const key = `${m[1]}:${m[2]}`;
    out.set(
      key,
      code === '0'
        ? { ok: true, reply: parseEchoReply(body) }
        : { ok: false, error: `curl exit ${code}: ${error.trim()}` },
    );
  }
  for (const t of targets) {
    const key = `${t.vip}:${t.port}`;
    if (!out.has(key)) out.set(key, { ok: false, error: `no result from curl for ${key}` });
  }
  return out;
}
