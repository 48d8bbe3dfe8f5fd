/**
 * Parses the echo service's reply (traefik/whoami's text format, which the netns lab's
 * emulated pod reproduces): who served the request, and the client address:port as the
 * server saw it.
 */
export interface EchoReply {
  cluster?: string;
  node?: string;
  pod?: string;
  hostname?: string;
  remoteIp?: string;
  remotePort?: number;
}

export function parseEchoReply(text: string): EchoReply {
  const out: EchoReply = {};
  for (const line of text.split(/\r?\n/)) {
    const [key, ...rest] = line.split(': ');
    const value = rest.join(': ').trim();
    if (key === 'Name') {
      // WHOAMI_NAME is "cluster=<c> node=<n> pod=<p>" (fixtures/workloads/echo.yaml).
      for (const kv of value.split(/\s+/)) {
        const [k, v] = kv.split('=');
        if (k === 'cluster') out.cluster = v;
        else if (k === 'node') out.node = v;
        else if (k === 'pod') out.pod = v;
      }
    } else if (key === 'Hostname') out.hostname = value;
    else if (key === 'RemoteAddr') {
      const i = value.lastIndexOf(':');
      out.remoteIp = value.slice(0, i).replace(/^\[|\]$/g, '');
      out.remotePort = Number(value.slice(i + 1));
    }
  }
  return out;
}
