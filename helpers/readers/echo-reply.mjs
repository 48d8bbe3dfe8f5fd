// The echo service's reply, in traefik/whoami's text format (the image of
// fixtures/workloads/echo.yaml; the netns lab's emulated pod, providers/netns/echo-server.mjs,
// answers the same): who served the request, and the client address:port as the server saw
// it. The one parser of it, for the curl probes (http-probe.ts), suite 3's flows
// (traffic/flows.ts) and the client scripts (traffic/probe.mjs, traffic/held-connections.mjs).
// Plain JavaScript with no dependencies, so the client scripts import it inside a client's
// namespace and the real lab's sidecar copies it with them (providers/containerlab/probe-sidecar.ts);
// echo-reply.d.mts types it for TypeScript.

/**
 * @typedef {object} EchoReply
 * @property {string} [cluster]
 * @property {string} [node]
 * @property {string} [pod]
 * @property {string} [hostname]
 * @property {string} [remoteIp]
 * @property {number} [remotePort]
 */

/**
 * The reply's fields; a field the reply lacks is absent. Only the "Name:" line names the
 * cluster: the request's own headers, echoed further down, are never read for it.
 * @param {string} text the reply's body (or its first lines)
 * @returns {EchoReply}
 */
export function parseEchoReply(text) {
  /** @type {EchoReply} */
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const sep = line.indexOf(': ');
    if (sep < 0) continue;
    const key = line.slice(0, sep);
    const value = line.slice(sep + 2).trim();
    if (key === 'Name') Object.assign(out, parseName(value));
    else if (key === 'Hostname') out.hostname = value;
    else if (key === 'RemoteAddr') {
      const i = value.lastIndexOf(':');
      out.remoteIp = value.slice(0, i).replace(/^\[|\]$/g, '');
      out.remotePort = Number(value.slice(i + 1));
    }
  }
  return out;
}

/**
 * WHOAMI_NAME is "cluster=<c> node=<n> pod=<p>" (fixtures/workloads/echo.yaml). A value runs
 * to the next blank and may itself hold "="; an empty one is no value.
 * @param {string} value
 * @returns {Pick<EchoReply, 'cluster' | 'node' | 'pod'>}
 */
function parseName(value) {
  /** @type {Pick<EchoReply, 'cluster' | 'node' | 'pod'>} */
  const out = {};
  for (const kv of value.split(/\s+/)) {
    const eq = kv.indexOf('=');
    const k = kv.slice(0, eq);
    const v = kv.slice(eq + 1);
    if (eq < 0 || v === '') continue;
    if (k === 'cluster' || k === 'node' || k === 'pod') out[k] = v;
  }
  return out;
}
